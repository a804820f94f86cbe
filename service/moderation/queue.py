"""What moderators do: read the queue, approve, reject, read the audit trail."""

import logging
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from models import Comment, CommentStatus, ModerationEvent
from service.accounts.auth import ModeratorRef
from service.errors import CommentNotFound, Forbidden, InvalidTransition, StaleVersion
from service.extensions import db
from service.moderation import gate
from service.moderation.intake import get_comment
from service.moderation.listing import paginate_merged
from service.pagination import Page

logger = logging.getLogger(__name__)


def list_queue(
    moderator: ModeratorRef,
    *,
    status: str,
    order: str,
    limit: int,
    cursor: str | None,
    article_id: str | None = None,
    site: str | None = None,
) -> Page:
    """Comments of the moderator's sites in one status, filtered and paginated."""
    site_ids = moderator.site_ids
    if site is not None:
        matching = {s.id for s in moderator.sites if s.slug == site}
        if not matching:
            raise Forbidden(f"You do not moderate a site with slug {site!r}.")
        site_ids = matching
    # One query per site, merged: each is an ordered walk of an index (see listing.py).
    queries = []
    for site_id in sorted(site_ids):
        query = select(Comment).where(Comment.site_id == site_id, Comment.status == status)
        if article_id is not None:
            query = query.where(Comment.article_id == article_id)
        queries.append(query)
    return paginate_merged(queries, order, limit, cursor)


def approve_comment(
    comment_id: int,
    moderator: ModeratorRef,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Any:
    """Publish a comment on a moderator's word."""
    return record_decision(
        comment_id, moderator, CommentStatus.APPROVED, None, note, expected_version
    )


def reject_comment(
    comment_id: int,
    moderator: ModeratorRef,
    *,
    reason: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> Any:
    """Reject a comment on a moderator's word."""
    return record_decision(
        comment_id, moderator, CommentStatus.REJECTED, reason, note, expected_version
    )


def record_decision(
    comment_id: int,
    moderator: ModeratorRef,
    to_status: str,
    reason: str | None,
    note: str | None,
    expected_version: int | None,
) -> Any:
    """Apply a human decision under a row lock, through the gate, and commit.

    Returns the comment as this decision left it, even if another moderator changes it a
    moment after the commit: the answer (and its ETag) describes this decision's version.
    The lock serialises this with a concurrent classifier result; the classifier only
    writes comments that are still `queued`, so the human decision stands.
    """
    comment = db.session.scalar(
        select(Comment).where(Comment.id == comment_id).with_for_update(of=Comment)
    )
    if comment is None or comment.site_id not in moderator.site_ids:
        db.session.rollback()
        raise CommentNotFound()
    if expected_version is not None and comment.version != expected_version:
        db.session.rollback()
        raise StaleVersion()
    if comment.status == to_status:
        db.session.rollback()
        raise InvalidTransition(f"The comment is already {to_status}.")
    change = gate.Change(
        comment.id, comment.status, to_status, reason,
        gate.Actor.moderator(moderator.id, moderator.name),
        expected_version=comment.version, note=note,
    )  # fmt: skip
    gate.transition([change])
    db.session.refresh(comment)  # the row as this decision wrote it (we still hold the lock)
    decided = snapshot(comment)  # the commit expires `comment`; a later read could show
    db.session.commit()  # another moderator's next decision with its ETag

    logger.info(
        "Moderator %s set comment %s to %s", moderator.name, decided.id, to_status,
        extra={"comment_id": decided.id},
    )  # fmt: skip
    return decided


def snapshot(comment: Comment) -> Any:
    """A plain copy of the row as it is now, with its site's slug, which no commit expires."""
    columns = {column.key: getattr(comment, column.key) for column in Comment.__table__.columns}
    return SimpleNamespace(**columns, site_slug=comment.site.slug)


def get_history(comment_id: int, moderator: ModeratorRef) -> list[ModerationEvent]:
    """The audit trail of a comment of the moderator's sites, oldest first."""
    get_comment(comment_id, moderator.site_ids)
    query = (
        select(ModerationEvent)
        .where(ModerationEvent.comment_id == comment_id)
        .order_by(ModerationEvent.id)
    )
    return list(db.session.scalars(query))
