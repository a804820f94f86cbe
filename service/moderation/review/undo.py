"""Taking a decision back: undo the last one within seconds, or reverse any one later.

Undo puts the comment back exactly as it was before the decision: its status and who had
decided it, why and when (so an undone reversal of the classifier's approval is the
classifier's approval again, and no label for retraining). It is refused after
UNDO_WINDOW_SECONDS, and when the decision is not the comment's last change or not the
moderator's own. A reversal is an ordinary new decision, the other way.

Both are audited: an undo is an event by the moderator with reason `undo` (UNDO).
"""

import logging
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from models import ActorKind, CommentStatus, ModerationEvent, utcnow
from service.accounts.auth import ModeratorRef
from service.database import after_commit
from service.errors import InvalidTransition, UndoUnavailable
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import RESCORED, UNDO, Actor, Change, PastDecision
from service.moderation.intake import storing
from service.moderation.review.actions import commit_decision, lock_comment, snapshot

logger = logging.getLogger(__name__)


def undo_decision(
    comment_id: int,
    moderator: ModeratorRef,
    *,
    expected_version: int | None = None,
    note: str | None = None,
) -> Any:
    """Undo the moderator's last decision on a comment, within UNDO_WINDOW_SECONDS of it.

    `expected_version` is the version the decision produced (its ETag): a later change makes
    it stale (StaleVersion). Returns the comment as the undo left it.
    """
    comment = lock_comment(comment_id, moderator, expected_version)
    events = list(
        db.session.scalars(
            select(ModerationEvent)
            .where(ModerationEvent.comment_id == comment.id)
            .order_by(ModerationEvent.id)
        )
    )
    last = check_undoable(events, moderator)
    change = Change(
        comment.id, comment.status, last.from_status, UNDO,
        Actor.moderator(moderator.id, moderator.name),
        expected_version=comment.version, note=note,
    )  # fmt: skip
    gate.restore(change, decision_before(events[:-1]))
    if last.from_status == CommentStatus.QUEUED:  # the classifier has still to decide it
        after_commit(lambda: storing.publish([comment_id]))
    db.session.refresh(comment)
    undone = snapshot(comment)
    db.session.commit()
    logger.info(
        "Moderator %s undid their decision on comment %s", moderator.name, comment_id,
        extra={"comment_id": comment_id},
    )  # fmt: skip
    return undone


def check_undoable(events: list[ModerationEvent], moderator: ModeratorRef) -> ModerationEvent:
    """The comment's last event, if it is this moderator's decision of less than
    UNDO_WINDOW_SECONDS ago; else UndoUnavailable (after rolling back)."""
    last = events[-1] if events else None
    problem = None
    if last is None or last.actor_kind != ActorKind.MODERATOR or last.actor_id != moderator.id:
        problem = "The comment's last change is not your decision."
    elif last.reason == UNDO:
        problem = "The decision is already undone."
    elif utcnow() - last.created_at > undo_window():
        problem = "The decision is too old to undo; reverse it instead."
    if problem is not None:
        db.session.rollback()
        raise UndoUnavailable(problem)
    assert last is not None  # noqa: S101 - for mypy: no problem means an event
    return last


def undo_window() -> timedelta:
    """How long a decision may be undone."""
    return timedelta(seconds=float(current_app.config["UNDO_WINDOW_SECONDS"]))


def decision_before(events: list[ModerationEvent]) -> PastDecision:
    """The decision in force after `events`: undone decisions and rescores set aside."""
    standing: list[ModerationEvent] = []
    for event in events:
        if event.reason == UNDO:
            if standing:
                standing.pop()
        elif event.reason != RESCORED:
            standing.append(event)
    if not standing:
        return PastDecision()
    last = standing[-1]
    return PastDecision(last.actor_kind, last.actor_id, last.actor, last.reason, last.created_at)


def reverse_decision(
    comment_id: int,
    moderator: ModeratorRef,
    *,
    reason: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> Any:
    """Approve a rejected comment or reject an approved one (with `reason`, default "other").

    InvalidTransition for a comment that is not decided yet.
    """
    comment = lock_comment(comment_id, moderator, expected_version)
    if comment.status == CommentStatus.REJECTED:
        return commit_decision(comment, moderator, CommentStatus.APPROVED, None, note)
    if comment.status == CommentStatus.APPROVED:
        return commit_decision(comment, moderator, CommentStatus.REJECTED, reason or "other", note)
    db.session.rollback()
    raise InvalidTransition("Only an approved or rejected comment can be reversed.")
