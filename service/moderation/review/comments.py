"""Reading comments as their sites and moderators may: one by id, or an article's approved
comments a page at a time."""

from sqlalchemy import select

from models import Comment, CommentStatus
from service.accounts.auth import SiteRef
from service.errors import CommentNotFound
from service.extensions import db
from service.moderation.review.listing import paginate
from service.pagination import Page


def get_comment(comment_id: int, site_ids: set[int]) -> Comment:
    """The comment, if it belongs to one of `site_ids`; otherwise CommentNotFound.

    Another site's comment is reported as missing, not forbidden, so that ids reveal nothing.
    """
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.site_id not in site_ids:
        raise CommentNotFound()
    return comment


def list_article_comments(site: SiteRef, article_id: str, limit: int, cursor: str | None) -> Page:
    """The approved comments of one article, oldest first."""
    query = select(Comment).where(
        Comment.site_id == site.id,
        Comment.article_id == article_id,
        Comment.status == CommentStatus.APPROVED,
    )
    return paginate(query, "oldest", limit, cursor)
