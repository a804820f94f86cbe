"""The safety net: comments left `queued` too long are sent to the workers again.

This is what makes an accepted comment reach a decision whatever happened to its task:
the broker was down when it was submitted, Redis restarted and lost it, or the worker
that held it died. A comment whose task keeps vanishing is held for a human.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from models import Comment, CommentStatus, utcnow
from service.extensions import db
from service.moderation import gate
from service.moderation.classify import hold_for_review
from service.moderation.dispatch import enqueue_classification

logger = logging.getLogger(__name__)

ENQUEUE_CHUNK = 50


@dataclass
class SweepResult:
    """What one sweep did."""

    requeued: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)


def sweep_queued_comments() -> SweepResult:
    """Re-enqueue comments queued for longer than SWEEP_AFTER_SECONDS, in one transaction;
    the messages go out after it commits."""
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
    gate.after_commit(lambda: publish_in_chunks(requeued))
    db.session.commit()
    if result.requeued:
        logger.warning("Sweep re-enqueued %d stuck comment(s)", len(result.requeued))
    return result


def publish_in_chunks(comment_ids: list[int]) -> None:
    """One classification message per chunk of ids."""
    for start in range(0, len(comment_ids), ENQUEUE_CHUNK):
        enqueue_classification(comment_ids[start : start + ENQUEUE_CHUNK])
