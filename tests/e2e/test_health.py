"""`/readyz` judges the web process; `/readyz?deep=1` also whether comments get decided."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import utcnow
from service.celery import heartbeats
from tests.support.factories import create_comment, create_site

WORKER = "celery@test-health"


@pytest.fixture
def live_worker(app: Flask) -> Iterator[None]:
    """A heartbeat as a running worker records it."""
    heartbeats.record_heartbeat(app.config, WORKER)
    yield
    heartbeats.forget_heartbeat(app.config, WORKER)


def test_readiness_does_not_depend_on_the_workers(client: FlaskClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json()["checks"] == {"database": "ok", "broker": "ok"}


def test_deep_readiness_without_a_worker_heartbeat_names_the_workers_check(
    client: FlaskClient,
) -> None:
    answer = client.get("/readyz?deep=1")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["fields"]["workers"] == "no live worker"


def test_deep_readiness_with_a_live_worker_and_a_young_queue_is_ok(
    client: FlaskClient, live_worker: None
) -> None:
    create_comment(create_site().site, enqueued_at=utcnow() - timedelta(seconds=10))
    answer = client.get("/readyz?deep=1")
    assert answer.status_code == 200
    assert set(answer.get_json()["checks"].values()) == {"ok"}


def test_deep_readiness_names_the_queue_when_a_comment_waited_too_long(
    app: Flask, client: FlaskClient, live_worker: None
) -> None:
    too_long = app.config["READY_MAX_QUEUED_AGE_SECONDS"] + 60
    create_comment(create_site().site, enqueued_at=utcnow() - timedelta(seconds=too_long))
    answer = client.get("/readyz?deep=1")
    assert answer.status_code == 503
    fields = answer.get_json()["error"]["fields"]
    assert fields["workers"] == "ok"
    assert fields["queue"].startswith("oldest queued comment waited")
