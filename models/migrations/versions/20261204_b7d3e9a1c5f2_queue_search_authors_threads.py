"""queue text search (pg_trgm on PostgreSQL), author, thread and audit-by-day indexes

Revision ID: b7d3e9a1c5f2
Revises: 8e4b2d6c1a57
Create Date: 2026-12-04 09:00:00

"""
from alembic import op

revision = 'b7d3e9a1c5f2'
down_revision = '8e4b2d6c1a57'
branch_labels = None
depends_on = None

# The same expression as models.comment.search_text: the planner uses the index only for it.
SEARCH_EXPRESSION = (
    "body || ' ' || author_name || ' ' || coalesce(author_email, '') || ' ' "
    "|| coalesce(author_ip, '')"
)


def upgrade():
    op.create_index('ix_comments_author_email', 'comments', ['author_email', 'site_id'])
    op.create_index('ix_comments_author_ip', 'comments', ['author_ip', 'site_id'])
    op.create_index('ix_comments_parent_id', 'comments', ['parent_id'])
    op.create_index('ix_moderation_events_created_at', 'moderation_events', ['created_at'])
    if op.get_bind().dialect.name == 'postgresql':
        # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute(
            f'CREATE INDEX ix_comments_search_trgm ON comments '
            f'USING gin (({SEARCH_EXPRESSION}) gin_trgm_ops)'
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_comments_search_trgm')
    op.drop_index('ix_moderation_events_created_at', table_name='moderation_events')
    op.drop_index('ix_comments_parent_id', table_name='comments')
    op.drop_index('ix_comments_author_ip', table_name='comments')
    op.drop_index('ix_comments_author_email', table_name='comments')
