"""sites: hold comments whose words the classifier has not seen (hold_unfamiliar_below)

Revision ID: 9a4e2c7d5b13
Revises: 3f1d8b6c2a47
Create Date: 2026-12-07 23:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '9a4e2c7d5b13'
down_revision = '3f1d8b6c2a47'
branch_labels = None
depends_on = None


def upgrade():
    # Existing sites get the safe default too: the check protects a site most before its
    # classifier has learnt its words.
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_unfamiliar_below', sa.Float(), server_default='0.5', nullable=False))


def downgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('hold_unfamiliar_below')
