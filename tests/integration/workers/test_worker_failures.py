"""Accepted comments reach a decision when a worker is SIGKILLed or the broker is down."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import use_app
from tests.integration.workers.conftest import make_pg_app, start_pg_worker, worker_settings
from tests.support.backends import dispose_app, pg_url
from tests.support.classifiers import SLOW_MARKER_ENV
from tests.support.factories import (
    bearer,
    comment_payload,
    create_moderator,
    create_site,
    wait_decided,
)
from tests.support.processes import (
    free_port,
    start_redis,
    start_worker,
    wait_for,
    worker_env,
)

pytestmark = pytest.mark.worker


@pytest.fixture
def private_redis_port() -> int:
    """A port for a throw-away redis-server, so the test can take its broker down."""
    return free_port()


@pytest.fixture
def web_app(tmp_path: Path, private_redis_port: int, trained_default: str) -> Iterator[Flask]:
    app = make_pg_app(tmp_path / "web", f"redis://127.0.0.1:{private_redis_port}/0")
    yield from use_app(app)
    dispose_app(app)


def status_of(client: FlaskClient, token: str, comment_id: int) -> dict:
    return client.get(f"/api/v1/comments/{comment_id}", headers=bearer(token)).get_json()


def test_a_worker_sigkilled_mid_task_still_gets_its_comment_decided(
    web_app: Flask, tmp_path: Path, private_redis_port: int
) -> None:
    broker = f"redis://127.0.0.1:{private_redis_port}/0"
    redis_server = start_redis(private_redis_port, tmp_path / "redis.log")
    marker = tmp_path / "in-flight"
    doomed_env = worker_env(
        pg_url(), broker, tmp_path / "w1",
        **(worker_settings() | {"CLASSIFIER_BACKEND": "tests.support.classifiers:slow_once"}),
    )  # fmt: skip
    doomed_env[SLOW_MARKER_ENV] = str(marker)
    (tmp_path / "w1").mkdir()
    doomed = start_worker(doomed_env, tmp_path / "w1.log", beat=False)
    rescuer = None
    try:
        client = web_app.test_client()
        site = create_site()
        alice = create_moderator(site.site)
        created = client.post(
            "/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key)
        )
        comment_id = created.get_json()["id"]
        wait_for(marker.exists, timeout=60)  # the task is running inside the doomed worker
        doomed.kill()
        assert status_of(client, alice.token, comment_id)["status"] == "queued"

        rescuer = start_pg_worker(broker, tmp_path / "w2")
        decided = wait_decided(client, alice.token, comment_id)
        assert decided["decided_by"] == "classifier"
        assert decided["spam_score"] is not None
    finally:
        doomed.kill()
        if rescuer is not None:
            rescuer.stop()
        redis_server.stop()


def test_a_comment_submitted_while_the_broker_is_down_is_decided_once_it_is_back(
    web_app: Flask, tmp_path: Path, private_redis_port: int
) -> None:
    client = web_app.test_client()
    site = create_site()
    alice = create_moderator(site.site)
    assert client.get("/readyz").status_code == 503
    assert client.get("/readyz").get_json()["error"]["fields"]["broker"] == "unreachable"

    created = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
    assert created.status_code == 202
    comment_id = created.get_json()["id"]
    assert status_of(client, alice.token, comment_id)["status"] == "queued"

    redis_server = start_redis(private_redis_port, tmp_path / "redis.log")
    worker = start_pg_worker(f"redis://127.0.0.1:{private_redis_port}/0", tmp_path / "w")
    try:
        assert client.get("/readyz").status_code == 200
        decided = wait_decided(client, alice.token, comment_id)
        assert decided["decided_by"] == "classifier"
    finally:
        worker.stop()
        redis_server.stop()


def test_after_a_redis_restart_lost_tasks_are_swept_and_intake_reconnects(
    web_app: Flask, tmp_path: Path, private_redis_port: int
) -> None:
    client = web_app.test_client()
    site = create_site()
    alice = create_moderator(site.site)
    broker = f"redis://127.0.0.1:{private_redis_port}/0"
    queue_length = redis.Redis.from_url(broker).llen

    redis_server = start_redis(private_redis_port, tmp_path / "redis1.log")
    lost = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
    assert queue_length("moderation") == 1
    redis_server.stop()  # this Redis keeps nothing on disk: the task is gone
    redis_server = start_redis(private_redis_port, tmp_path / "redis2.log")
    assert queue_length("moderation") == 0

    # The web process's pooled broker connection is stale now; the next publish reconnects.
    fresh = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
    assert fresh.status_code == 202
    assert queue_length("moderation") == 1

    worker = start_pg_worker(broker, tmp_path / "w")
    try:
        for created in (lost, fresh):
            comment_id = created.get_json()["id"]
            wait_decided(client, alice.token, comment_id)
    finally:
        worker.stop()
        redis_server.stop()
