"""The gate: the only writer of a comment's status, score and audit trail.

Every change goes through here, as a batch: one UPDATE for all the comments and one INSERT for
all their audit events, in the caller's transaction (the service function that called owns it
and commits). Each change is a compare-and-set on the status the caller saw (and, for a
moderator holding an ETag, the version), so a change that lost a race matches nothing and is
simply not applied.

Work that must wait for the commit (enqueueing the classification, the decision metrics,
sending webhooks) is registered with `after_commit`: a task sent from inside an open
transaction could run before its row exists (warehouse's `addAfterCommitHook` does the same
with SQLAlchemy session events).

Webhooks: a batch whose comments belong to sites with endpoints also writes their deliveries
(the outbox, service/webhooks/outbox.py) in the same transaction, in one INSERT, and has them
sent after the commit. Which sites have endpoints is a per-process cached set, so a batch of
sites without any costs no query.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, cast

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    case,
    event,
    insert,
    literal,
    or_,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from models import ActorKind, Comment, CommentStatus, ModerationEvent, utcnow
from service.database import autocommit_engine
from service.extensions import db
from service.moderation import decision_metrics, driver_insert
from service.moderation.decide import Scored
from service.moderation.publisher import publish_new
from service.webhooks import dispatch as webhook_dispatch
from service.webhooks import outbox
from service.webhooks.subscriptions import subscribed_sites

logger = logging.getLogger(__name__)

COMMENTS = cast(Table, Comment.__table__)  # Core tables: no ORM unit of work on the hot path
EVENTS = cast(Table, ModerationEvent.__table__)
AFTER_COMMIT = "moderato.after_commit"
# Intake's INSERT, built once: every optional column is named, so each request reuses one
# compiled statement and passes only parameters (building `values()` per request cost more
# than the rest of the statement's Python work).
NEW_COMMENT_DEFAULTS: dict[str, Any] = {
    "article_url": None, "article_title": None, "parent_id": None, "author_email": None,
    "author_url": None, "author_ip": None, "user_agent": None, "referrer": None,
    "language": None, "status": CommentStatus.QUEUED, "version": 1, "requeue_count": 0,
}  # fmt: skip
INSERT_COMMENT = insert(COMMENTS).returning(COMMENTS.c.id)
RESCORED = "rescored"  # the audit reason of a new score that leaves the status as it was
UNDO = "undo"  # the audit reason of an undone decision (service/moderation/undo.py)
# The batch UPDATE is not kept in SQLAlchemy's compiled cache: it has a shape of its own for
# every batch size (a CASE per column), each cached one held about 1 MB, and a worker deciding
# batches of varied sizes grew by 125 MB and more.
UNCACHED = {"compiled_cache": None}


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a kind, an id for people, and the name to show."""

    kind: str
    name: str
    id: int | None = None

    @classmethod
    def moderator(cls, moderator_id: int, name: str) -> "Actor":
        """A moderator, by id."""
        return cls(ActorKind.MODERATOR, name, moderator_id)


CLASSIFIER = Actor(ActorKind.CLASSIFIER, "classifier")
RULE = Actor(ActorKind.RULE, "rule")


@dataclass(frozen=True)
class Change:
    """Move one comment from `from_status` (as its caller saw it) to `to_status`."""

    comment_id: int
    from_status: str
    to_status: str
    reason: str | None
    actor: Actor
    expected_version: int | None = None
    scored: Scored | None = None
    note: str | None = None


@dataclass(frozen=True)
class Applied:
    """A change that was made, with the comment's new version and its score after it."""

    change: Change
    version: int
    spam_score: float | None
    classifier_version: str | None
    site_id: int
    created_at: datetime
    article_id: str


@dataclass(frozen=True)
class Admitted:
    """A comment just stored: its id and creation time."""

    id: int
    created_at: datetime


def admit(values: dict[str, Any], *, enqueue: bool = True) -> Admitted:
    """Store a new comment as `queued` and have it classified once the transaction commits.

    With `enqueue=False` nothing is sent to the workers: the caller decides the comment with
    `transition` in the same transaction (a synchronous check), so it is never seen queued.
    Not an audited change: a comment's history starts with its first decision.
    """
    now = utcnow()
    row = {**NEW_COMMENT_DEFAULTS, **values, "created_at": now, "enqueued_at": now}
    comment_id: int = db.session.execute(INSERT_COMMENT, row).scalar_one()
    if enqueue:
        after_commit(lambda: publish([comment_id]))
    return Admitted(comment_id, now)


def admit_alone(values: dict[str, Any]) -> Admitted:
    """Store a new comment as `queued` in a statement that is its own transaction, then have
    it classified: intake's path for a comment with nothing else to write beside it.

    The INSERT runs in autocommit on a connection of its own, so storing it is one round trip
    (not BEGIN, INSERT, COMMIT) and skips the ORM session's transaction bookkeeping; on
    PostgreSQL it runs on the driver's connection (service/moderation/driver_insert.py says
    why). Once it returns, the row is committed, so the comment can be published at once.
    """
    now = utcnow()
    row = {**NEW_COMMENT_DEFAULTS, **values, "created_at": now, "enqueued_at": now}
    engine = db.engine
    if driver_insert.supports(engine):
        comment_id = driver_insert.insert_returning_id(engine, INSERT_COMMENT, row)
    else:
        with autocommit_engine(engine).connect() as connection:
            comment_id = connection.execute(INSERT_COMMENT, row).scalar_one()
    run_committed([partial(publish, [comment_id])])  # failures logged: the row is in
    return Admitted(comment_id, now)


def admit_decided(
    values: dict[str, Any], decision: Change, *, site_slug: str | None = None
) -> Applied:
    """Store a new comment already decided (a synchronous check) with its audit entry: the
    row exactly as `admit` then `transition` would leave it, in two statements instead of
    three, and nothing sent to the workers. `decision` moves it from `queued`; its
    `comment_id` is filled in here. `site_slug`, when the caller knows it, saves the metrics
    a query."""
    if decision.from_status != CommentStatus.QUEUED:
        raise ValueError("a new comment is decided from queued")
    now, scored = utcnow(), decision.scored
    row = {
        **NEW_COMMENT_DEFAULTS, **values, "created_at": now, "enqueued_at": now,
        "status": decision.to_status, "decision_reason": decision.reason,
        "decided_by_kind": decision.actor.kind, "decided_by_id": decision.actor.id,
        "decided_by": decision.actor.name, "decided_at": now, "version": 2,
        "spam_score": scored.score if scored else None,
        "classifier_version": scored.classifier_version if scored else None,
        "explanation": scored.explanation if scored else None,
    }  # fmt: skip
    comment_id: int = db.session.execute(INSERT_COMMENT, row).scalar_one()
    applied = Applied(
        replace(decision, comment_id=comment_id),
        2,
        row["spam_score"],
        row["classifier_version"],
        row["site_id"],
        now,
        row["article_id"],
    )
    db.session.execute(insert(EVENTS), [audit_row(applied)])
    record_webhooks([applied])  # a synchronous decision is announced like any other
    known_slugs = {applied.site_id: site_slug} if site_slug else None
    after_commit(decision_metrics.recorder([applied], known_slugs))
    return applied


def publish(comment_ids: list[int]) -> None:
    """Have newly stored comments classified (a broker failure is logged, never raised)."""
    publish_new(current_app, comment_ids)


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
    applied = write(changes, values)
    if applied:  # counted once committed: a rolled-back decision was never made
        after_commit(decision_metrics.recorder(applied))
    return applied


@dataclass(frozen=True)
class PastDecision:
    """Who had decided a comment, and why and when, before the decision being undone.

    All None when nobody had (the comment was still `queued`).
    """

    kind: str | None = None
    actor_id: int | None = None
    name: str | None = None
    reason: str | None = None
    at: datetime | None = None


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
    return write([change], values)


def rescore(changes: Sequence[Change]) -> list[Applied]:
    """Store new verdicts on comments whose status stays as it is; audit each.

    Every change must carry `scored`, and `to_status` equal to `from_status`.
    """
    if any(c.scored is None or c.to_status != c.from_status for c in changes):
        raise ValueError("a rescore keeps the status and carries a verdict")
    return write(changes, {})


def write(changes: Sequence[Change], values: dict[str, Any]) -> list[Applied]:
    """One UPDATE (compare-and-set per comment) and one audit INSERT for the batch."""
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
        record_webhooks(applied)
    return applied


def record_webhooks(applied: Sequence[Applied]) -> None:
    """Write the webhook deliveries these changes owe, in this transaction, and have them sent
    after the commit. Nothing at all for sites without endpoints, nor for a new score alone."""
    subscribed = subscribed_sites().get()
    if not subscribed:
        return
    transitions = [
        webhook_transition(a)
        for a in applied
        if a.site_id in subscribed and a.change.from_status != a.change.to_status
    ]
    if not transitions:
        return
    endpoint_ids = outbox.record(transitions)
    if endpoint_ids:
        after_commit(partial(send_webhooks, endpoint_ids))


def send_webhooks(endpoint_ids: list[int]) -> None:
    """Have the committed deliveries sent (a broker failure is logged; the sweep sends them)."""
    webhook_dispatch.enqueue_deliveries(endpoint_ids)


def webhook_transition(applied: Applied) -> outbox.Transition:
    """What a webhook tells about an applied change."""
    change = applied.change
    return outbox.Transition(
        comment_id=change.comment_id, site_id=applied.site_id, article_id=applied.article_id,
        from_status=change.from_status, to_status=change.to_status, reason=change.reason,
        actor_kind=change.actor.kind, actor_id=change.actor.id, actor_name=change.actor.name,
        version=applied.version, spam_score=applied.spam_score,
        classifier_version=applied.classifier_version,
    )  # fmt: skip


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


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction commits; forget it if it rolls back."""
    db.session.info.setdefault(AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def run_after_commit(session: Session) -> None:
    """Run the callbacks the committed transaction registered. A failing one is logged and
    does not stop the others: the transaction is committed whatever they do."""
    run_committed(session.info.pop(AFTER_COMMIT, []))


def run_committed(callbacks: Sequence[Callable[[], None]]) -> None:
    """Run work that follows a commit: each failure is logged and the rest still run (a
    broker that cannot take the message leaves the comment queued, for the sweep)."""
    for callback in callbacks:
        try:
            callback()
        except Exception:  # deliberately broad: the commit has happened; log and go on
            logger.exception("After-commit work failed")


@event.listens_for(Session, "after_rollback")
def drop_after_commit(session: Session) -> None:
    """A rolled-back transaction's work must never run."""
    session.info.pop(AFTER_COMMIT, None)
