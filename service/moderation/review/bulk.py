"""Deciding many comments at once: a list of (id, expected version), or every comment matching
a filter. One transaction and one gate batch per call.

Nothing is silently overwritten: each change is the gate's compare-and-set on the status and
version the caller (or, for a filter, this call) saw, so a comment that another moderator or
the classifier changed meanwhile is reported as a conflict and left as it is.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select, union_all

from models import Comment, CommentStatus
from service.accounts.auth import ModeratorRef
from service.errors import InvalidInput
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import Actor, Change
from service.moderation.review.filters import QueueFilter, select_matching

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """A comment to decide, with the version the caller saw (None: whatever it is now)."""

    comment_id: int
    expected_version: int | None = None


@dataclass
class BulkResult:
    """What a bulk decision did, by comment id."""

    decided: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)  # changed since read: left as they are
    not_found: list[int] = field(default_factory=list)  # no such comment in your sites
    more: bool = False  # a filter matched more than the limit; decide again for the rest

    @property
    def decided_count(self) -> int:
        """How many comments this call decided."""
        return len(self.decided)

    @property
    def conflict_count(self) -> int:
        """How many comments had changed and were left as they are."""
        return len(self.conflicts)


def bulk_decide(
    moderator: ModeratorRef,
    targets: Sequence[Target],
    *,
    to_status: str,
    reason: str | None = None,
    note: str | None = None,
) -> BulkResult:
    """Approve or reject the listed comments of the moderator's sites, in one transaction.

    A target whose version is not `expected_version` any more is a conflict.
    """
    check_decision(to_status)
    ids = list(dict.fromkeys(t.comment_id for t in targets))
    if len(ids) > bulk_limit():
        raise InvalidInput(fields={"items": f"At most {bulk_limit()} comments at once."})
    rows = {
        row.id: row
        for row in db.session.execute(
            select(Comment.id, Comment.site_id, Comment.status, Comment.version).where(
                Comment.id.in_(ids)
            )
        )
    }
    expected = {t.comment_id: t.expected_version for t in targets}
    result = BulkResult()
    seen = []
    for comment_id in ids:
        row = rows.get(comment_id)
        if row is None or row.site_id not in moderator.site_ids:
            result.not_found.append(comment_id)
        elif expected[comment_id] not in (None, row.version):
            result.conflicts.append(comment_id)
        else:
            seen.append(row)
    return apply(moderator, seen, to_status, reason, note, result)


def bulk_decide_matching(
    moderator: ModeratorRef,
    queue_filter: QueueFilter,
    *,
    to_status: str,
    reason: str | None = None,
    note: str | None = None,
) -> BulkResult:
    """Approve or reject every comment matching `queue_filter` (oldest first, at most
    BULK_DECISION_LIMIT; `more` says whether others remain), as they are now."""
    check_decision(to_status)
    limit = bulk_limit()
    parts = [
        query.with_only_columns(Comment.id, Comment.status, Comment.version)
        .order_by(Comment.id)
        .limit(limit + 1)
        for query in select_matching(moderator, queue_filter)
    ]
    if not parts:
        return BulkResult()
    statement = parts[0] if len(parts) == 1 else oldest_of(parts, limit + 1)
    rows = list(db.session.execute(statement))
    result = BulkResult(more=len(rows) > limit)
    return apply(moderator, rows[:limit], to_status, reason, note, result)


def oldest_of(parts: list[Any], limit: int) -> Any:
    """The first `limit` rows of the parts together, by id (each part wrapped for SQLite)."""
    merged = union_all(*(select(part.subquery()) for part in parts)).subquery()
    return select(merged).order_by(merged.c.id).limit(limit)


def apply(
    moderator: ModeratorRef,
    rows: Sequence[Any],
    to_status: str,
    reason: str | None,
    note: str | None,
    result: BulkResult,
) -> BulkResult:
    """One gate batch for `rows` (each with id, status and version as read), then commit."""
    actor = Actor.moderator(moderator.id, moderator.name)
    changes = [
        Change(row.id, row.status, to_status, reason, actor, row.version, note=note) for row in rows
    ]
    applied = {a.change.comment_id for a in gate.transition(changes)}
    db.session.commit()
    result.decided.extend(row.id for row in rows if row.id in applied)
    result.conflicts.extend(row.id for row in rows if row.id not in applied)
    logger.info(
        "Moderator %s set %d comment(s) to %s in bulk (%d conflict(s))",
        moderator.name, len(result.decided), to_status, len(result.conflicts),
    )  # fmt: skip
    return result


def check_decision(to_status: str) -> None:
    """A bulk decision approves or rejects."""
    if to_status not in CommentStatus.FINAL:
        raise ValueError(f"a bulk decision approves or rejects, not {to_status!r}")


def bulk_limit() -> int:
    """The most comments one call decides."""
    return int(current_app.config["BULK_DECISION_LIMIT"])
