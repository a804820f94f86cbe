"""moderators' passwords (argon2) and failed web logins (the login rate limit)

Revision ID: f4a8c2e61d93
Revises: b7d3e9a1c5f2
Create Date: 2026-12-04 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'f4a8c2e61d93'
down_revision = 'b7d3e9a1c5f2'  # ui-domain's, merged into this branch
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('moderators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sa.String(length=255), nullable=True))
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_subject_created_at', ['subject', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_subject_created_at')
    op.drop_table('login_failures')
    with op.batch_alter_table('moderators', schema=None) as batch_op:
        batch_op.drop_column('password_hash')
