"""The gate: the only writer of a comment's status, score and audit trail.

Every change goes through here, as a batch: one UPDATE for all the comments and one INSERT for
all their audit events, in the caller's transaction (the service function that called owns it
and commits). Each change is a compare-and-set on the status the caller saw (and, for a
moderator holding an ETag, the version), so a change that lost a race matches nothing and is
simply not applied.

What follows a change is not the gate's business: it notifies the listeners registered at app
start (service/moderation/listeners.py), in the same transaction. The webhook outbox writes its
deliveries there; the decision metrics count once the transaction has committed.

One exception to "in the caller's transaction": a synchronous check's new comment, its audit
event and its check row (`store_decided_with`) are, on PostgreSQL, one statement that is its
own transaction whenever no listener writes beside them, since a check's sender waits on it.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    case,
    insert,
    literal,
    or_,
    tuple_,
    update,
)

from models import Comment, CommentStatus, ModerationEvent, utcnow
from service.extensions import db
from service.moderation.changes import Applied, Change, PastDecision
from service.moderation.listeners import Notice, NoticeKind, any_listener_writes_for, notify
from service.moderation.new_comments import (
    INSERT_COMMENT,
    NEW_COMMENT_DEFAULTS,
    DependentRow,
    insert_alone,
    insert_in_session,
)

logger = logging.getLogger(__name__)

COMMENTS = cast(Table, Comment.__table__)  # Core tables: no ORM unit of work on the hot path
EVENTS = cast(Table, ModerationEvent.__table__)
# The batch UPDATE is not kept in SQLAlchemy's compiled cache: it has a shape of its own for
# every batch size (a CASE per column), and each cached one held about a megabyte, so a worker
# deciding batches of varied sizes grew without bound.
UNCACHED = {"compiled_cache": None}


def store_decided(
    values: dict[str, Any], decision: Change, *, site_slug: str | None = None
) -> Applied:
    """Store a new comment already decided (a synchronous check) with its audit entry: the
    row exactly as storing it queued and then `transition` would leave it, in two statements
    instead of three, and nothing sent to the workers. `decision` moves it from `queued`; its
    `comment_id` is filled in here. `site_slug`, when the caller knows it, is passed on to the
    listeners."""
    now = utcnow()
    row = decided_row(values, decision, now)
    comment_id: int = db.session.execute(INSERT_COMMENT, row).scalar_one()
    applied = applied_new(row, decision, comment_id, now)
    db.session.execute(insert(EVENTS), [audit_row(applied)])
    notify(Notice(NoticeKind.DECIDED, [applied], slugs_of(applied, site_slug)))
    return applied


def store_decided_with(
    values: dict[str, Any],
    decision: Change,
    dependent: DependentRow,
    *,
    site_slug: str | None = None,
) -> Applied:
    """`store_decided`, and `dependent` with the new comment's id: all three rows or none.

    On PostgreSQL the three rows are one statement (INSERTs in a WITH). When the session has
    no transaction open and no listener writes rows for the site (no webhook endpoints), that
    statement is its own transaction: one round trip instead of five (BEGIN, three INSERTs,
    COMMIT). The rows are then committed when this returns, and the listeners hear of a
    committed change (their after-commit work runs here). Otherwise the rows go in the
    session's transaction, which the caller commits.
    """
    now = utcnow()
    row = decided_row(values, decision, now)
    event = audit_row(applied_new(row, decision, 0, now))
    del event["comment_id"]
    alone = stands_alone(row["site_id"])
    if alone:
        comment_id = insert_alone(row, event, dependent)
    else:
        comment_id = insert_in_session(row, event, dependent)
    applied = applied_new(row, decision, comment_id, now)
    notify(Notice(NoticeKind.DECIDED, [applied], slugs_of(applied, site_slug)))
    if alone:
        # Commits nothing, unless a listener wrote after all (its cache of sites was
        # refreshed in between); runs the listeners' after-commit work.
        db.session.commit()
    return applied


def stands_alone(site_id: int) -> bool:
    """Whether a new comment on the site may be stored as a transaction of its own: on
    PostgreSQL through psycopg (SQLite has no INSERT in a WITH), with no listener writing
    beside it, and no transaction of the session open (its rows could be what the new ones
    refer to). Asking the listeners may read the database, so the session is looked at last."""
    dialect = db.engine.dialect
    return (
        (dialect.name, dialect.driver) == ("postgresql", "psycopg")
        and not any_listener_writes_for(site_id)
        and not db.session().in_transaction()
    )


def decided_row(values: dict[str, Any], decision: Change, now: datetime) -> dict[str, Any]:
    """The row of a new comment decided by `decision` (from `queued`) at `now`."""
    if decision.from_status != CommentStatus.QUEUED:
        raise ValueError("a new comment is decided from queued")
    scored = decision.scored
    return {
        **NEW_COMMENT_DEFAULTS, **values, "created_at": now, "enqueued_at": now,
        "status": decision.to_status, "decision_reason": decision.reason,
        "decided_by_kind": decision.actor.kind, "decided_by_id": decision.actor.id,
        "decided_by": decision.actor.name, "decided_at": now, "version": 2,
        "spam_score": scored.score if scored else None,
        "classifier_version": scored.classifier_version if scored else None,
        "explanation": scored.explanation if scored else None,
    }  # fmt: skip


def applied_new(row: dict[str, Any], decision: Change, comment_id: int, now: datetime) -> Applied:
    """The applied change of a new comment stored as `row` under `comment_id`."""
    return Applied(
        replace(decision, comment_id=comment_id), 2, row["spam_score"],
        row["classifier_version"], row["site_id"], now, row["article_id"],
    )  # fmt: skip


def slugs_of(applied: Applied, site_slug: str | None) -> dict[int, str]:
    """The site slugs the caller knew, for the listeners."""
    return {applied.site_id: site_slug} if site_slug else {}


def transition(changes: Sequence[Change]) -> list[Applied]:
    """Apply status changes that still hold; audit each. Returns those applied."""
    if not changes:
        return []
    values: dict[str, Any] = {
        "status": per_row(changes, "status", lambda c: c.to_status),
        "decision_reason": per_row(changes, "decision_reason", lambda c: c.reason),
        "decided_by_kind": per_row(changes, "decided_by_kind", lambda c: c.actor.kind),
        "decided_by_id": per_row(changes, "decided_by_id", lambda c: c.actor.id),
        "decided_by": per_row(changes, "decided_by", lambda c: c.actor.name),
        "decided_at": utcnow(),
    }
    return write(changes, values, NoticeKind.DECIDED)


def restore(change: Change, past: PastDecision) -> list[Applied]:
    """Undo: move a comment back to `change.to_status` with the decision it had then (who, why
    and when), audited as `change` (the moderator who undoes, with reason UNDO)."""
    values: dict[str, Any] = {
        "status": change.to_status,
        "decision_reason": past.reason,
        "decided_by_kind": past.kind,
        "decided_by_id": past.actor_id,
        "decided_by": past.name,
        "decided_at": past.at,
    }
    return write([change], values, NoticeKind.RESTORED)


def rescore(changes: Sequence[Change]) -> list[Applied]:
    """Store new verdicts on comments whose status stays as it is; audit each.

    Every change must carry `scored`, and `to_status` equal to `from_status`.
    """
    if any(c.scored is None or c.to_status != c.from_status for c in changes):
        raise ValueError("a rescore keeps the status and carries a verdict")
    return write(changes, {}, NoticeKind.RESCORED)


def write(changes: Sequence[Change], values: dict[str, Any], kind: NoticeKind) -> list[Applied]:
    """One UPDATE (compare-and-set per comment) and one audit INSERT for the batch; then the
    listeners hear of what was applied."""
    if not changes:
        return []
    by_id = {change.comment_id: change for change in changes}
    if len(by_id) != len(changes):
        raise ValueError("one change per comment in a batch")
    values = {**values, **verdict_values(changes), "version": COMMENTS.c.version + 1}
    statement = (
        update(COMMENTS)
        .where(guard(changes))
        .values(values)
        .returning(
            COMMENTS.c.id, COMMENTS.c.version, COMMENTS.c.spam_score,
            COMMENTS.c.classifier_version, COMMENTS.c.site_id, COMMENTS.c.created_at,
            COMMENTS.c.article_id,
        )
    )  # fmt: skip
    applied = [
        Applied(
            by_id[row.id],
            row.version,
            row.spam_score,
            row.classifier_version,
            row.site_id,
            row.created_at,
            row.article_id,
        )  # fmt: skip
        for row in db.session.execute(statement, execution_options=UNCACHED)
    ]
    if applied:
        db.session.execute(insert(EVENTS), [audit_row(a) for a in applied])
        notify(Notice(kind, applied))
    return applied


def guard(changes: Sequence[Change]) -> ColumnElement[bool]:
    """WHERE clause: each comment still has the status (and version) its caller saw."""
    groups: dict[tuple[str, bool], list[Change]] = defaultdict(list)
    for change in changes:
        groups[(change.from_status, change.expected_version is not None)].append(change)
    conditions = []
    for (status, versioned), group in groups.items():
        if versioned:
            matches = tuple_(COMMENTS.c.id, COMMENTS.c.version).in_(
                [(c.comment_id, c.expected_version) for c in group]
            )
        else:
            matches = COMMENTS.c.id.in_([c.comment_id for c in group])
        conditions.append(and_(matches, COMMENTS.c.status == status))
    return or_(*conditions)


def verdict_values(changes: Sequence[Change]) -> dict[str, Any]:
    """SET values for the changes that carry a classifier verdict; others keep theirs."""
    scored = [c for c in changes if c.scored is not None]
    if not scored:
        return {}
    keep_others = len(scored) < len(changes)
    return {
        column: per_row(scored, column, partial(scored_value, column), keep_others=keep_others)
        for column in ("spam_score", "classifier_version", "explanation")
    }


def scored_value(column: str, change: Change) -> Any:
    """The value a change's verdict stores in `column`."""
    assert change.scored is not None  # noqa: S101 - only called on changes with a verdict
    return getattr(change.scored, "score" if column == "spam_score" else column)


def per_row(
    changes: Sequence[Change],
    column: str,
    value_of: Callable[[Change], Any],
    *,
    keep_others: bool = False,
) -> Any:
    """A SET value: a plain value when every change agrees, else CASE on the comment id.

    `keep_others` leaves the column as it is on rows the changes do not name.
    """
    values = {c.comment_id: value_of(c) for c in changes}
    first = next(iter(values.values()))
    if not keep_others and all(value == first for value in values.values()):
        return first
    kind = COMMENTS.c[column].type
    return case(
        {comment_id: literal(value, kind) for comment_id, value in values.items()},
        value=COMMENTS.c.id,
        else_=COMMENTS.c[column] if keep_others else None,
    )


def audit_row(applied: Applied) -> dict[str, Any]:
    """The audit event of an applied change, with the score the comment had when it was made."""
    change = applied.change
    return {
        "comment_id": change.comment_id,
        "created_at": utcnow(),
        "actor_kind": change.actor.kind,
        "actor_id": change.actor.id,
        "actor": change.actor.name,
        "from_status": change.from_status,
        "to_status": change.to_status,
        "reason": change.reason,
        "note": change.note,
        "score": applied.spam_score,
        "classifier_version": applied.classifier_version,
        "explanation": change.scored.explanation if change.scored else None,
    }
