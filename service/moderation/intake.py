"""Taking comments in and showing them to the sites that own them."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models import Comment, CommentStatus
from service.accounts.auth import SiteRef
from service.errors import CommentNotFound, InvalidInput
from service.extensions import db
from service.moderation import gate
from service.moderation.listing import paginate
from service.pagination import Page

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AcceptedComment:
    """A comment just stored, as its site sees it: built from what was written, so the
    answer needs no second read."""

    id: int
    site_slug: str
    article_id: str
    parent_id: int | None
    author_name: str
    author_url: str | None
    body: str
    created_at: datetime
    status: str = CommentStatus.QUEUED
    version: int = 1
    spam_score: float | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None


def submit_comment(site: SiteRef, data: dict[str, Any]) -> AcceptedComment:
    """Store a comment as `queued`, commit, then hand it to the workers (after the commit,
    so a worker never looks for a comment that is not there yet, and a broker outage cannot
    lose an accepted comment)."""
    if data.get("parent_id") is not None:
        check_parent(site, data["article_id"], data["parent_id"])
    admitted = gate.admit({**data, "site_id": site.id})
    db.session.commit()
    logger.debug("Accepted comment %s", admitted.id, extra={"comment_id": admitted.id})
    return AcceptedComment(
        id=admitted.id, site_slug=site.slug, article_id=data["article_id"],
        parent_id=data.get("parent_id"), author_name=data["author_name"],
        author_url=data.get("author_url"), body=data["body"], created_at=admitted.created_at,
    )  # fmt: skip


def check_parent(site: SiteRef, article_id: str, parent_id: int) -> None:
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


def list_article_comments(site: SiteRef, article_id: str, limit: int, cursor: str | None) -> Page:
    """The approved comments of one article, oldest first."""
    query = select(Comment).where(
        Comment.site_id == site.id,
        Comment.article_id == article_id,
        Comment.status == CommentStatus.APPROVED,
    )
    return paginate(query, "oldest", limit, cursor)
