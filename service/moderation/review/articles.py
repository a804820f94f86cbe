"""One article as a moderator reviews it: its overrides and its comments in every status."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models import Comment
from service.accounts.auth import ModeratorRef
from service.accounts.policies import site_of
from service.extensions import db
from service.moderation.intake.articles import ArticleState, find_article, state_of

# The latest comments an article's page lists; the queue (filtered by article) has the rest.
ARTICLE_PAGE_COMMENTS = 200


@dataclass(frozen=True)
class ArticleComment:
    """A comment as the article's page lists it."""

    id: int
    status: str
    author_name: str
    body: str
    created_at: datetime
    spam_score: float | None
    decision_reason: str | None


@dataclass(frozen=True)
class ArticleView:
    """An article's overrides, its latest comments (every status), and whether the viewer
    may change it."""

    state: ArticleState
    comments: list[ArticleComment]
    can_change: bool
    site_id: int


def get_article_view(slug: str, article_id: str, moderator: ModeratorRef) -> ArticleView:
    """The article of one of the moderator's sites, with its latest comments, newest first."""
    site = site_of(slug, moderator)
    rows = db.session.execute(
        select(
            Comment.id, Comment.status, Comment.author_name, Comment.body, Comment.created_at,
            Comment.spam_score, Comment.decision_reason,
        )
        .where(Comment.site_id == site.id, Comment.article_id == article_id)
        .order_by(Comment.id.desc())
        .limit(ARTICLE_PAGE_COMMENTS)
    )  # fmt: skip
    state = state_of(site, find_article(site.id, article_id), article_id)
    comments = [ArticleComment(*row) for row in rows]
    return ArticleView(state, comments, moderator.is_admin_of(site.id), site.id)
