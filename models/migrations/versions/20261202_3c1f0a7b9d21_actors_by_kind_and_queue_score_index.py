"""actors by kind and id; an index for the review queue's score order

Revision ID: 3c1f0a7b9d21
Revises: ed25a73e5700
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '3c1f0a7b9d21'
down_revision = 'ed25a73e5700'
branch_labels = None
depends_on = None

MACHINE = ('classifier', 'rule')


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_by_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))

    # Until now actors were names: "classifier", "rule", or a moderator's name.
    for table, name, kind, ident in (
        ('comments', 'decided_by', 'decided_by_kind', 'decided_by_id'),
        ('moderation_events', 'actor', 'actor_kind', 'actor_id'),
    ):
        op.execute(
            f"UPDATE {table} SET {kind} = {name} WHERE {name} IN ('classifier', 'rule')"
        )
        op.execute(
            f"UPDATE {table} SET {kind} = 'moderator', "
            f"{ident} = (SELECT moderators.id FROM moderators WHERE moderators.name = {table}.{name}) "
            f"WHERE {name} IS NOT NULL AND {name} NOT IN ('classifier', 'rule')"
        )
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.alter_column('actor_kind', existing_type=sa.String(length=16), nullable=False)

    op.create_index(
        'ix_comments_status_site_score',
        'comments',
        ['status', 'site_id', sa.text('coalesce(spam_score, -1.0) DESC'), 'id'],
    )


def downgrade():
    op.drop_index('ix_comments_status_site_score', table_name='comments')
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.drop_column('actor_id')
        batch_op.drop_column('actor_kind')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('decided_by_kind')
