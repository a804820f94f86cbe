"""site policies in versions, per-site roles, articles (closed, own moderation mode)

Revision ID: c5e1a9d3f702
Revises: 9a4e2c7d5b13
Create Date: 2026-12-07 23:30:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = 'c5e1a9d3f702'
down_revision = '9a4e2c7d5b13'
branch_labels = None
depends_on = None

POLICY_KEYS = ('moderation_mode', 'auto_approve_below', 'auto_reject_above', 'hold_unfamiliar_below')


def upgrade():
    # Until now every moderator could do everything on their sites; they keep those powers
    # (admin). Moderators added from now on are plain moderators unless made admins.
    with op.batch_alter_table('moderator_sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), server_default='moderator', nullable=False))
    op.execute("UPDATE moderator_sites SET role = 'admin'")

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('close_after_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('policy_version', sa.Integer(), server_default='1', nullable=False))

    site_policies = op.create_table('site_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('diff', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['moderators.id'], name=op.f('fk_site_policies_created_by_id_moderators'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_policies_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_policies')),
    sa.UniqueConstraint('site_id', 'version', name=op.f('uq_site_policies_site_id'))
    )
    articles = op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.String(length=255), nullable=False),
    sa.Column('closed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('moderation_mode', sa.String(length=8), nullable=True),
    sa.Column('first_comment_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_articles_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index('ix_articles_site_article', ['site_id', 'article_id'], unique=True)

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    write_first_versions(site_policies, now)
    # Articles commented on so far, with the time of their first comment: closing after N days
    # counts from there.
    comments = sa.table('comments', sa.column('site_id'), sa.column('article_id'), sa.column('created_at'))
    op.execute(articles.insert().from_select(
        ['site_id', 'article_id', 'first_comment_at', 'updated_at'],
        sa.select(comments.c.site_id, comments.c.article_id, sa.func.min(comments.c.created_at), sa.literal(now, sa.DateTime()))
        .group_by(comments.c.site_id, comments.c.article_id),
    ))


def write_first_versions(site_policies, now):
    """Every existing site gets version 1: its policy as its columns held it."""
    sites = sa.table('sites', sa.column('id'), *(sa.column(key) for key in POLICY_KEYS))
    rows = op.get_bind().execute(sa.select(sites)).mappings().all()
    versions = []
    for row in rows:
        document = {key: row[key] for key in POLICY_KEYS}
        document['close_after_days'] = None
        versions.append({
            'site_id': row['id'], 'version': 1, 'document': document,
            'diff': {key: {'before': None, 'after': value} for key, value in document.items()},
            'created_at': now, 'created_by': 'migration', 'created_by_id': None,
        })
    if versions:
        op.bulk_insert(site_policies, versions)


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_site_article')
    op.drop_table('articles')
    op.drop_table('site_policies')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('policy_version')
        batch_op.drop_column('close_after_days')
    with op.batch_alter_table('moderator_sites', schema=None) as batch_op:
        batch_op.drop_column('role')
