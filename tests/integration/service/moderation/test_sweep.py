"""The sweep re-sends stuck comments and gives up on ones whose task keeps vanishing."""

from datetime import timedelta

from flask import Flask

from models import Comment, CommentStatus, utcnow
from service.extensions import db
from service.moderation.sweep import sweep_queued_comments
from tests.support.factories import create_comment, create_site


def test_old_queued_comments_are_requeued_and_fresh_ones_left_alone(app: Flask) -> None:
    site = create_site().site
    stuck = create_comment(site, enqueued_at=utcnow() - timedelta(hours=1))
    fresh = create_comment(site)
    done = create_comment(
        site, status=CommentStatus.APPROVED, enqueued_at=utcnow() - timedelta(hours=1)
    )
    result = sweep_queued_comments()
    assert result.requeued == [stuck.id]
    assert result.held == []
    db.session.refresh(stuck)
    assert stuck.requeue_count == 1
    assert stuck.enqueued_at > utcnow() - timedelta(minutes=1)
    assert db.session.get(Comment, fresh.id).requeue_count == 0
    assert db.session.get(Comment, done.id).requeue_count == 0


def test_a_comment_requeued_too_often_is_held_for_a_human(app: Flask) -> None:
    site = create_site().site
    limit = app.config["SWEEP_MAX_REQUEUES"]
    hopeless = create_comment(site, enqueued_at=utcnow() - timedelta(hours=1), requeue_count=limit)
    result = sweep_queued_comments()
    assert result.held == [hopeless.id]
    db.session.refresh(hopeless)
    assert (hopeless.status, hopeless.decided_by, hopeless.decision_reason) == (
        "pending",
        "rule",
        "classification_failed",
    )
