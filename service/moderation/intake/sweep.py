"""The safety net: comments left `queued` too long are sent to the workers again.

This is what makes an accepted comment reach a decision whatever happened to its task:
the broker was down when it was submitted, Redis restarted and lost it, or the worker
that held it died. A comment whose task keeps vanishing is held for a human.

Only comments whose task truly vanished are sent again. After an outage the broker may still
hold every task that was published while the workers were down, so a sweep that finds
messages waiting in the moderation queue (or cannot reach the broker) republishes nothing and
counts nothing towards SWEEP_MAX_REQUEUES. A comment handed to the workers less than
SWEEP_AFTER_SECONDS ago (its `enqueued_at`) is left alone, and on PostgreSQL an advisory lock
lets one sweep run at a time (SQLite: the embedded set-up has one worker).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, text

from models import Comment, CommentStatus, utcnow
from service.celery.wiring import BrokerUnreachable
from service.database import after_commit
from service.extensions import db
from service.moderation.classify import hold_for_review
from service.moderation.intake.backlog import fetch_waiting_messages
from service.moderation.intake.dispatch import enqueue_classification

logger = logging.getLogger(__name__)

ENQUEUE_CHUNK = 50
SWEEP_LOCK_KEY = 0x6D6F64_5357  # any fixed bigint, the same in every process: "mod" "SW"


@dataclass
class SweepResult:
    """What one sweep did."""

    requeued: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    skipped: str | None = None  # why this run did nothing: "running", "backlog", "broker_down"


def sweep_queued_comments() -> SweepResult:
    """Re-enqueue comments queued for longer than SWEEP_AFTER_SECONDS, in one transaction;
    the messages go out after it commits."""
    skipped = reason_to_skip()
    if skipped is not None:
        db.session.rollback()  # releases the advisory lock, if this run took it
        return SweepResult(skipped=skipped)
    return requeue_stuck_comments()


def reason_to_skip() -> str | None:
    """Why this run must not republish anything, or None; takes the sweep lock."""
    if not acquire_sweep_lock():
        logger.info("Another sweep is running; this one does nothing")
        return "running"
    try:
        waiting = fetch_waiting_messages()
    except BrokerUnreachable:
        logger.warning("Sweep: broker unreachable; nothing republished", exc_info=True)
        return "broker_down"
    if waiting:
        logger.info("Sweep: %d message(s) still wait in the broker; nothing republished", waiting)
        return "backlog"
    return None


def acquire_sweep_lock() -> bool:
    """Take the transaction-scoped advisory lock (PostgreSQL); False if another sweep has it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SWEEP_LOCK_KEY})
    )


def requeue_stuck_comments() -> SweepResult:
    """Republish comments queued since before the cutoff; hold those re-sent too often."""
    config = current_app.config
    now = utcnow()
    cutoff = now - timedelta(seconds=float(config["SWEEP_AFTER_SECONDS"]))
    stuck = list(
        db.session.scalars(
            select(Comment)
            .where(Comment.status == CommentStatus.QUEUED, Comment.enqueued_at < cutoff)
            .order_by(Comment.id)
            .limit(int(config["SWEEP_BATCH_SIZE"]))
            .with_for_update(skip_locked=True, of=Comment)
        )
    )
    result = SweepResult()
    for comment in stuck:
        if comment.requeue_count >= int(config["SWEEP_MAX_REQUEUES"]):
            result.held.append(comment.id)
        else:
            comment.requeue_count += 1
            comment.enqueued_at = now
            result.requeued.append(comment.id)
    db.session.flush()
    hold_for_review(result.held, reason="classification_failed")
    requeued = list(result.requeued)
    after_commit(lambda: publish_in_chunks(requeued))
    db.session.commit()
    if result.requeued:
        logger.warning("Sweep re-enqueued %d stuck comment(s)", len(result.requeued))
    return result


def publish_in_chunks(comment_ids: list[int]) -> None:
    """One classification message per chunk of ids."""
    for start in range(0, len(comment_ids), ENQUEUE_CHUNK):
        enqueue_classification(comment_ids[start : start + ENQUEUE_CHUNK])
