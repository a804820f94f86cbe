"""Taking comments in and showing them to the sites that own them."""

import logging
from typing import Any

from sqlalchemy import select

from models import Comment, CommentStatus, Site
from service.dispatch import enqueue_classification
from service.errors import CommentNotFound, InvalidInput
from service.extensions import db
from service.pagination import Page
from service.services.listing import paginate

logger = logging.getLogger(__name__)


def submit_comment(site: Site, data: dict[str, Any]) -> Comment:
    """Store a comment as `queued`, commit, then hand it to the workers.

    The row is committed before anything is enqueued, so a worker never looks for a comment
    that is not there yet, and a broker outage cannot lose an accepted comment.
    """
    if data.get("parent_id") is not None:
        check_parent(site, data["article_id"], data["parent_id"])
    comment = Comment(site=site, status=CommentStatus.QUEUED, **data)
    db.session.add(comment)
    db.session.commit()
    logger.info("Accepted comment %s", comment.id, extra={"comment_id": comment.id})
    enqueue_classification([comment.id])
    return comment


def check_parent(site: Site, article_id: str, parent_id: int) -> None:
    """A reply must answer a comment on the same article of the same site."""
    parent = db.session.scalar(
        select(Comment.id).where(
            Comment.id == parent_id, Comment.site_id == site.id, Comment.article_id == article_id
        )
    )
    if parent is None:
        raise InvalidInput(fields={"parent_id": "No such comment on this article."})


def get_comment(comment_id: int, site_ids: set[int]) -> Comment:
    """The comment, if it belongs to one of `site_ids`; otherwise CommentNotFound.

    Another site's comment is reported as missing, not forbidden, so that ids reveal nothing.
    """
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.site_id not in site_ids:
        raise CommentNotFound()
    return comment


def list_article_comments(site: Site, article_id: str, limit: int, cursor: str | None) -> Page:
    """The approved comments of one article, oldest first."""
    query = select(Comment).where(
        Comment.site_id == site.id,
        Comment.article_id == article_id,
        Comment.status == CommentStatus.APPROVED,
    )
    return paginate(query, "oldest", limit, cursor)
