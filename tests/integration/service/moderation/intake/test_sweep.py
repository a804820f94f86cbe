"""The sweep re-sends stuck comments and gives up on ones whose task keeps vanishing, but
never re-sends one whose task may still be on its way."""

from collections import Counter
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from flask import Flask

from models import Comment, CommentStatus, utcnow
from service.extensions import db
from service.moderation.intake.backlog import fetch_waiting_messages
from service.moderation.intake.dispatch import enqueue_classification
from service.moderation.intake.sweep import SWEEP_LOCK_KEY, sweep_queued_comments
from tests.conftest import use_app
from tests.support.backends import PG_ADMIN_URL, PG_TEST_DB, build_app, dispose_app
from tests.support.factories import create_comment, create_site
from tests.support.processes import free_port


@pytest.fixture(autouse=True)
def empty_moderation_queue(app_factory: dict[str, Flask]) -> None:
    """Other tests publish into the same broker queues and nobody consumes them."""
    for flask_app in app_factory.values():
        purge_moderation_queue(flask_app)


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


def test_after_an_outage_back_to_back_sweeps_republish_each_stuck_comment_at_most_once(
    app: Flask,
) -> None:
    site = create_site().site
    limit = app.config["SWEEP_MAX_REQUEUES"]
    long_ago = utcnow() - timedelta(hours=1)
    # Already re-sent `limit` times: one more count would hold them as classification_failed.
    stuck = [create_comment(site, enqueued_at=long_ago, requeue_count=limit) for _ in range(3)]
    stuck += [create_comment(site, enqueued_at=long_ago) for _ in range(60)]
    ids = [comment.id for comment in stuck]
    enqueue_classification(ids)  # their tasks still wait in the broker: the workers were down

    during_outage = [sweep_queued_comments() for _ in range(20)]
    assert all(run.skipped == "backlog" for run in during_outage)
    assert fetch_waiting_messages() == 1

    purge_moderation_queue(app)  # the messages are gone (a Redis restart lost them)
    afterwards = [sweep_queued_comments() for _ in range(20)]
    republished = Counter(cid for run in during_outage + afterwards for cid in run.requeued)
    assert set(republished) == set(ids[3:])
    assert max(republished.values()) == 1
    assert fetch_waiting_messages() == 2  # 60 ids in chunks of 50
    held = [cid for run in during_outage + afterwards for cid in run.held]
    assert held == ids[:3]  # held once their tasks had truly vanished, not during the outage


def test_a_sweep_that_cannot_reach_the_broker_republishes_and_holds_nothing(
    tmp_path: Path,
) -> None:
    broker_down = build_app("postgresql", tmp_path, BROKER_URL=f"redis://127.0.0.1:{free_port()}/0")
    try:
        for flask_app in use_app(broker_down):
            site = create_site().site
            limit = flask_app.config["SWEEP_MAX_REQUEUES"]
            comment = create_comment(
                site, enqueued_at=utcnow() - timedelta(hours=1), requeue_count=limit
            )
            result = sweep_queued_comments()
            assert (result.skipped, result.requeued, result.held) == ("broker_down", [], [])
            db.session.refresh(comment)
            assert (comment.status, comment.requeue_count) == (CommentStatus.QUEUED, limit)
    finally:
        dispose_app(broker_down)


def test_a_sweep_does_nothing_while_another_sweep_holds_the_lock(pg_app: Flask) -> None:
    stuck = create_comment(create_site().site, enqueued_at=utcnow() - timedelta(hours=1))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_TEST_DB}"
    with psycopg.connect(url) as other_sweep:
        other_sweep.execute("SELECT pg_advisory_xact_lock(%s)", (SWEEP_LOCK_KEY,))
        result = sweep_queued_comments()
    assert (result.skipped, result.requeued) == ("running", [])
    assert sweep_queued_comments().requeued == [stuck.id]


def purge_moderation_queue(flask_app: Flask) -> None:
    with flask_app.extensions["celery"].connection_for_write() as connection:
        connection.default_channel.queue_purge("moderation")
