"""akismet keys, the discard opt-in and akismet checks

Revision ID: b7d3e9f2a416
Revises: 8e4b2d6c1a57
Create Date: 2026-12-04 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'b7d3e9f2a416'
down_revision = '8e4b2d6c1a57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('akismet_key_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('akismet_discard', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_sites_akismet_key_hash'), ['akismet_key_hash'])
    op.create_table('akismet_checks',
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_akismet_checks_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_akismet_checks_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('comment_id', name=op.f('pk_akismet_checks')),
    sa.UniqueConstraint('guid', name=op.f('uq_akismet_checks_guid'))
    )
    with op.batch_alter_table('akismet_checks', schema=None) as batch_op:
        batch_op.create_index('ix_akismet_checks_site_created', ['site_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('akismet_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_akismet_checks_site_created')
    op.drop_table('akismet_checks')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sites_akismet_key_hash'), type_='unique')
        batch_op.drop_column('akismet_discard')
        batch_op.drop_column('akismet_key_hash')
