"""What moderators do: read the queue, approve, reject, read the audit trail."""

import logging

from sqlalchemy import select

from models import Comment, CommentStatus, ModerationEvent, Moderator, utcnow
from service.errors import CommentNotFound, Forbidden, InvalidTransition, PreconditionFailed
from service.extensions import db
from service.pagination import Page
from service.services.intake import get_comment
from service.services.listing import paginate

logger = logging.getLogger(__name__)


def list_queue(
    moderator: Moderator,
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
    query = select(Comment).where(Comment.site_id.in_(site_ids), Comment.status == status)
    if article_id is not None:
        query = query.where(Comment.article_id == article_id)
    return paginate(query, order, limit, cursor)


def approve_comment(
    comment_id: int,
    moderator: Moderator,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Comment:
    """Publish a comment on a moderator's word."""
    return record_decision(
        comment_id, moderator, CommentStatus.APPROVED, None, note, expected_version
    )


def reject_comment(
    comment_id: int,
    moderator: Moderator,
    *,
    reason: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> Comment:
    """Reject a comment on a moderator's word."""
    return record_decision(
        comment_id, moderator, CommentStatus.REJECTED, reason, note, expected_version
    )


def record_decision(
    comment_id: int,
    moderator: Moderator,
    to_status: str,
    reason: str | None,
    note: str | None,
    expected_version: int | None,
) -> Comment:
    """Apply a human decision under a row lock, audit it, commit.

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
        raise PreconditionFailed()
    if comment.status == to_status:
        db.session.rollback()
        raise InvalidTransition(f"The comment is already {to_status}.")
    db.session.add(
        ModerationEvent(
            comment_id=comment.id,
            actor=moderator.name,
            from_status=comment.status,
            to_status=to_status,
            reason=reason,
            note=note,
            score=comment.spam_score,
            classifier_version=comment.classifier_version,
        )
    )
    comment.status = to_status
    comment.decided_by = moderator.name
    comment.decision_reason = reason
    comment.decided_at = utcnow()
    comment.version += 1
    db.session.commit()
    logger.info(
        "Moderator %s set comment %s to %s",
        moderator.name,
        comment.id,
        to_status,
        extra={"comment_id": comment.id},
    )
    return comment


def get_history(comment_id: int, moderator: Moderator) -> list[ModerationEvent]:
    """The audit trail of a comment of the moderator's sites, oldest first."""
    get_comment(comment_id, moderator.site_ids)
    query = (
        select(ModerationEvent)
        .where(ModerationEvent.comment_id == comment_id)
        .order_by(ModerationEvent.id)
    )
    return list(db.session.scalars(query))
