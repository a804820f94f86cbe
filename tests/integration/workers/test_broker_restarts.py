"""A worker holding unacknowledged tasks survives Redis restarts.

Celery 5.7.0 (with kombu 5.7.0, redis-py 8.1.0) did not: when Redis went away while the worker
waited on BRPOP with unacknowledged messages, it closed the broker connection twice, kombu
read the host of a client it had already dropped, and the worker exited with
"Unrecoverable error: AttributeError(... 'hostname')". pyproject.toml excludes that release.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from models import CommentStatus
from tests.conftest import use_app
from tests.integration.workers.conftest import make_pg_app, worker_settings
from tests.support.backends import dispose_app, pg_url
from tests.support.factories import bearer, comment_payload, create_moderator, create_site
from tests.support.processes import (
    ManagedProcess,
    free_port,
    start_redis,
    start_worker,
    wait_for,
    worker_env,
)

pytestmark = pytest.mark.worker

RESTARTS = 3
# Two worker processes and Celery's prefetch multiplier of 4 let the worker reserve 8 tasks:
# a burst of 6 keeps two running and the rest prefetched, all unacknowledged, while the
# consumer still waits on BRPOP for more. That is the state the crash needed.
CONCURRENCY = 2
BURST = 6
REDIS_DOWN_SECONDS = 1
DECIDED_WITHIN_SECONDS = 30


@pytest.fixture
def redis_port() -> int:
    """A port for a throw-away redis-server, so the test can restart its broker."""
    return free_port()


@pytest.fixture
def web_app(tmp_path: Path, redis_port: int, app_factory: dict[str, Flask]) -> Iterator[Flask]:
    """The web side on the test PostgreSQL (migrated by `app_factory`), on the private Redis."""
    app = make_pg_app(tmp_path / "web", broker_url(redis_port))
    yield from use_app(app)
    dispose_app(app)


def broker_url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


def start_slow_worker(broker: str, data_dir: Path) -> ManagedProcess:
    """A real worker whose classifier takes a second a batch, so its tasks stay unacked."""
    data_dir.mkdir()
    settings = worker_settings() | {"CLASSIFIER_BACKEND": "tests.support.classifiers:slow"}
    env = worker_env(pg_url(), broker, data_dir, **settings)
    # No beat: every comment this test waits for is published after the restart.
    return start_worker(env, data_dir / "worker.log", beat=False, concurrency=CONCURRENCY)


def submit(client: FlaskClient, site_key: str) -> int:
    created = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(site_key))
    assert created.status_code == 202
    return int(created.get_json()["id"])


def unacknowledged(broker: str) -> int:
    """Messages the worker has taken from Redis and not acknowledged (kombu's `unacked` hash)."""
    with redis.Redis.from_url(broker) as client:
        return int(client.hlen("unacked"))


def status_when_settled(
    client: FlaskClient, token: str, comment_id: int, worker: ManagedProcess
) -> str:
    """The comment's status once it leaves `queued`, the worker exits, or time runs out."""
    assert worker.process is not None
    deadline = time.monotonic() + DECIDED_WITHIN_SECONDS
    while True:
        response = client.get(f"/api/v1/comments/{comment_id}", headers=bearer(token))
        status = str(response.get_json()["status"])
        if status != CommentStatus.QUEUED or worker.process.poll() is not None:
            return status
        if time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def test_a_worker_holding_unacknowledged_tasks_survives_three_redis_restarts(
    web_app: Flask, tmp_path: Path, redis_port: int
) -> None:
    broker = broker_url(redis_port)
    redis_server = start_redis(redis_port, tmp_path / "redis-0.log")
    worker = start_slow_worker(broker, tmp_path / "worker")
    assert worker.process is not None
    client = web_app.test_client()
    site = create_site()
    alice = create_moderator(site.site)
    try:
        for restart in range(1, RESTARTS + 1):
            for _ in range(BURST):
                submit(client, site.api_key)
            # More unacked than worker processes: some are prefetched, waiting their turn.
            wait_for(lambda: unacknowledged(broker) > CONCURRENCY, timeout=30)
            redis_server.stop()  # SIGTERM; this Redis keeps nothing on disk
            time.sleep(REDIS_DOWN_SECONDS)
            redis_server = start_redis(redis_port, tmp_path / f"redis-{restart}.log")

            probe = submit(client, site.api_key)
            status = status_when_settled(client, alice.token, probe, worker)
            log = worker.log()
            assert "Unrecoverable error" not in log, f"restart {restart}:\n{log[-3000:]}"
            assert worker.process.poll() is None, f"restart {restart}: the worker exited"
            assert status != CommentStatus.QUEUED, f"restart {restart}: probe still queued"
    finally:
        worker.stop()
        redis_server.stop()
