"""What moderators do: read the queue, approve, reject, read the audit trail.

Deciding a comment into the status it already has is a confirmation: a moderator saying that
the classifier (or a colleague) got it right. It is audited like any decision (an event whose
`from_status` equals its `to_status`, by a moderator) and the comment then counts as decided by
that moderator, which makes it one of the site's labels for retraining
(service/learning/corpus.py reads comments decided by a moderator).
"""

import logging
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from models import Comment, CommentStatus, ModerationEvent
from service.accounts.auth import ModeratorRef
from service.errors import CommentNotFound, StaleVersion
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import Actor, Change
from service.moderation.review.comments import get_comment
from service.moderation.review.counts import StatusCounts, count_by_status
from service.moderation.review.filters import QueueFilter, filter_site_ids
from service.moderation.review.listing import paginate_filtered
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
    classifier_version: str | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    search: str | None = None,
) -> Page:
    """Comments of the moderator's sites in one status, filtered and paginated."""
    queue_filter = QueueFilter(
        status=status, site=site, article_id=article_id, classifier_version=classifier_version,
        min_score=min_score, max_score=max_score, search=search,
    )  # fmt: skip
    return list_filtered(moderator, queue_filter, order=order, limit=limit, cursor=cursor)


def list_filtered(
    moderator: ModeratorRef,
    queue_filter: QueueFilter,
    *,
    order: str = "oldest",
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """A page of the comments matching `queue_filter` in the moderator's sites.

    One query per site, merged: each is an ordered walk of an index (see listing.py).
    """
    site_ids = filter_site_ids(moderator, queue_filter.site)
    return paginate_filtered(site_ids, queue_filter, order, limit, cursor)


def count_queue(moderator: ModeratorRef, queue_filter: QueueFilter) -> StatusCounts:
    """Comments matching `queue_filter` per status (its status ignored), each capped."""
    return count_by_status(moderator, queue_filter)


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
    """Apply a human decision (or a confirmation) under a row lock, through the gate, and
    commit.

    Returns the comment as this decision left it, even if another moderator changes it a
    moment after the commit: the answer (and its ETag) describes this decision's version.
    The lock serialises this with a concurrent classifier result; the classifier only
    writes comments that are still `queued`, so the human decision stands.
    """
    comment = lock_comment(comment_id, moderator, expected_version)
    return commit_decision(comment, moderator, to_status, reason, note)


def commit_decision(
    comment: Comment, moderator: ModeratorRef, to_status: str, reason: str | None, note: str | None
) -> Any:
    """Decide a comment this transaction has locked (`lock_comment`), commit, and return it as
    the decision left it."""
    change = Change(
        comment.id, comment.status, to_status, reason,
        Actor.moderator(moderator.id, moderator.name),
        expected_version=comment.version, note=note,
    )  # fmt: skip
    gate.transition([change])
    db.session.refresh(comment)  # the row as this decision wrote it (we still hold the lock)
    decided = snapshot(comment)  # the commit expires `comment`; a later read could show
    db.session.commit()  # another moderator's next decision with its ETag

    logger.info(
        "Moderator %s %s comment %s as %s", moderator.name,
        "confirmed" if change.from_status == to_status else "decided", decided.id, to_status,
        extra={"comment_id": decided.id},
    )  # fmt: skip
    return decided


def lock_comment(comment_id: int, moderator: ModeratorRef, expected_version: int | None) -> Comment:
    """The comment, locked for this transaction; CommentNotFound outside the moderator's sites
    and StaleVersion when `expected_version` is not its version (both roll back)."""
    comment = db.session.scalar(
        select(Comment).where(Comment.id == comment_id).with_for_update(of=Comment)
    )
    if comment is None or comment.site_id not in moderator.site_ids:
        db.session.rollback()
        raise CommentNotFound()
    if expected_version is not None and comment.version != expected_version:
        db.session.rollback()
        raise StaleVersion()
    return comment


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
