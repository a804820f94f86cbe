"""The queue states the metrics collector reads, on each backend."""

from datetime import timedelta

from flask import Flask

from models import CommentStatus, utcnow
from service.moderation.reporting.waiting_gauges import QueueState, fetch_queue_states
from tests.support.factories import create_comment, create_site


def test_each_site_has_its_queued_and_pending_counts_and_oldest_comment(app: Flask) -> None:
    busy, idle = create_site("Busy").site, create_site("Idle").site
    old = utcnow() - timedelta(hours=2)
    create_comment(busy, status=CommentStatus.PENDING, created_at=old)
    create_comment(busy, status=CommentStatus.PENDING)
    create_comment(busy, status=CommentStatus.QUEUED)
    create_comment(busy, status=CommentStatus.APPROVED)
    create_comment(idle, status=CommentStatus.REJECTED)
    states = {(s.site, s.status): s for s in fetch_queue_states()}
    assert set(states) == {("busy", "queued"), ("busy", "pending"), ("idle", "queued"),
                           ("idle", "pending")}  # fmt: skip
    assert states[("busy", "pending")].count == 2
    assert states[("busy", "pending")].oldest_created_at == old
    assert states[("busy", "queued")].count == 1
    assert states[("idle", "pending")] == QueueState("idle", "pending", 0, None)


def test_no_site_no_queue_states(app: Flask) -> None:
    assert fetch_queue_states() == []
