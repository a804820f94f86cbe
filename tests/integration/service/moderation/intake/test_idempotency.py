"""Idempotency keys in the database: written with their comment, racing requests, the purge."""

import threading
from datetime import timedelta
from typing import Any, cast

from flask import Flask
from sqlalchemy import Table, func, insert, select, text, update

from models import Comment, CommentStatus, IdempotencyKey, utcnow
from service.accounts.auth import SiteRef
from service.api.schemas import comment_create_schema
from service.extensions import db
from service.moderation.intake import idempotency
from service.moderation.intake import submission as intake
from tests.support.factories import comment_payload, create_site
from tests.support.processes import wait_for
from workers.tasks import purge_idempotency_keys

COMMENTS = cast(Table, Comment.__table__)
KEYS = cast(Table, IdempotencyKey.__table__)


def site_ref() -> SiteRef:
    site = create_site().site
    return SiteRef(site.id, site.slug)


def submission(**overrides: Any) -> dict[str, Any]:
    return cast(dict[str, Any], comment_create_schema.load(comment_payload(**overrides)))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_keyed_comment_is_committed_with_its_key(app: Flask) -> None:
    site = site_ref()
    data = submission()
    accepted = intake.submit_comment(site, data, "k1")
    db.session.rollback()  # what was committed, not what the session remembers
    key = db.session.get(IdempotencyKey, (site.id, "k1"))
    assert key is not None
    assert key.comment_id == accepted.id
    assert key.fingerprint == idempotency.fingerprint(data)
    assert key.created_at == accepted.created_at


def test_the_fingerprint_ignores_field_order_but_not_values() -> None:
    data = submission()
    assert idempotency.fingerprint(dict(reversed(list(data.items())))) == (
        idempotency.fingerprint(data)
    )
    assert idempotency.fingerprint({**data, "body": "Altro."}) != idempotency.fingerprint(data)


def test_a_request_racing_an_uncommitted_one_with_its_key_answers_with_the_winners_comment(
    pg_app: Flask,
) -> None:
    site, data = site_ref(), submission()
    outcome: dict[str, Any] = {}
    with db.engine.connect() as rival:
        winner_id = insert_keyed_comment(rival, site, data, "k1")  # not committed yet
        loser = threading.Thread(target=submit_in_thread, args=(pg_app, site, data, outcome))
        loser.start()
        wait_for(lambda: requests_waiting_for_a_lock() == 1, timeout=30)
        rival.commit()
        loser.join(timeout=30)
    assert outcome["accepted"].id == winner_id
    assert outcome["accepted"].status == CommentStatus.QUEUED
    assert count(Comment) == 1


def insert_keyed_comment(connection: Any, site: SiteRef, data: dict[str, Any], key: str) -> int:
    """A rival request's transaction: its comment and key, left open."""
    now = utcnow()
    comment_id: int = connection.execute(
        insert(COMMENTS)
        .values(**data, site_id=site.id, status=CommentStatus.QUEUED, created_at=now,
                enqueued_at=now, version=1, requeue_count=0)
        .returning(COMMENTS.c.id)
    ).scalar_one()  # fmt: skip
    connection.execute(
        insert(KEYS).values(
            site_id=site.id, key=key, fingerprint=idempotency.fingerprint(data),
            comment_id=comment_id, created_at=now,
        )
    )  # fmt: skip
    return comment_id


def submit_in_thread(app: Flask, site: SiteRef, data: dict[str, Any], outcome: dict) -> None:
    with app.app_context():
        outcome["accepted"] = intake.submit_comment(site, data, "k1")


def requests_waiting_for_a_lock() -> int:
    with db.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


def test_the_purge_deletes_expired_keys_only(app: Flask) -> None:
    site = site_ref()
    old = intake.submit_comment(site, submission(body="Vecchio."), "old")
    intake.submit_comment(site, submission(body="Nuovo."), "new")
    ttl = app.config["IDEMPOTENCY_TTL_SECONDS"]
    db.session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.comment_id == old.id)
        .values(created_at=utcnow() - timedelta(seconds=ttl + 1))
    )
    db.session.commit()
    purge_idempotency_keys()
    assert db.session.scalars(select(IdempotencyKey.key)).all() == ["new"]
    assert count(Comment) == 2  # the comments stay


def test_beat_runs_the_purge_every_interval(app: Flask) -> None:
    schedule = app.extensions["celery"].conf.beat_schedule
    [entry] = [e for e in schedule.values() if e["task"] == "maintenance.purge_idempotency_keys"]
    assert entry["schedule"] == float(app.config["IDEMPOTENCY_PURGE_INTERVAL_SECONDS"])
