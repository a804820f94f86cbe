"""A real worker decides classification messages in batches, retries a failed batch, and
gives a batch back to the broker when the process running it dies."""

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from models import Comment
from service.extensions import db
from service.moderation.intake import storing
from tests.conftest import use_app
from tests.integration.workers.conftest import make_pg_app, worker_settings
from tests.support.backends import REDIS_WORKER_DB, dispose_app, pg_url, redis_url
from tests.support.classifiers import RECORD_ENV, SLOW_MARKER_ENV, recorded_calls
from tests.support.factories import comment_payload, create_site
from tests.support.processes import ManagedProcess, start_worker, wait_for, worker_env

pytestmark = pytest.mark.worker

BROKER = redis_url(REDIS_WORKER_DB)


@pytest.fixture(scope="module")
def module_app(tmp_path_factory: pytest.TempPathFactory, trained_default: str) -> Iterator[Flask]:
    # One app for the module: kombu shares producer pools between apps with the same broker
    # URL, so disposing of one app per test would close the next test's pool.
    app = make_pg_app(tmp_path_factory.mktemp("web"), BROKER)
    yield app
    dispose_app(app)


@pytest.fixture
def web_app(module_app: Flask) -> Iterator[Flask]:
    yield from use_app(module_app)


def start_batch_worker(data_dir: Path, backend: str, **settings: object) -> ManagedProcess:
    """A worker with the given classifier backend (tests.support.classifiers) and settings;
    without beat, so the sweep cannot send comments again while a test counts their tries."""
    data_dir.mkdir(parents=True, exist_ok=True)
    overrides = worker_settings() | {"CLASSIFIER_BACKEND": backend} | settings
    env = worker_env(pg_url(), BROKER, data_dir, **overrides)
    env[RECORD_ENV] = str(data_dir / "calls")
    env[SLOW_MARKER_ENV] = str(data_dir / "in-flight")
    return start_worker(env, data_dir / "worker.log", beat=False)


def submit_burst(count: int, body: str = "Commento tranquillo numero {n}.") -> list[int]:
    """Store `count` comments; each is published as its own message, as intake does."""
    site = create_site().site
    ids = []
    for n in range(count):
        payload = comment_payload(body=body.format(n=n))
        ids.append(storing.admit({**payload, "site_id": site.id}).id)
        db.session.commit()
    return ids


def statuses(ids: list[int]) -> dict[int, tuple[str, str | None, str | None]]:
    """(status, decided_by, decision_reason) of each comment, read afresh."""
    db.session.rollback()
    rows = db.session.execute(
        db.select(Comment.id, Comment.status, Comment.decided_by, Comment.decision_reason).where(
            Comment.id.in_(ids)
        )
    )
    return {row.id: (row.status, row.decided_by, row.decision_reason) for row in rows}


def all_decided(ids: list[int]) -> bool:
    return all(status != "queued" for status, _, _ in statuses(ids).values())


def test_a_burst_of_comments_is_decided_in_fewer_classifier_calls_than_comments(
    web_app: Flask, tmp_path: Path
) -> None:
    ids = submit_burst(30)  # the messages wait in Redis until the worker starts
    # A long flush interval, so that a slow machine cannot split the burst into many batches.
    worker = start_batch_worker(
        tmp_path / "w", "tests.support.classifiers:recording", CLASSIFY_BATCH_SECONDS=1
    )
    try:
        wait_for(lambda: all_decided(ids), timeout=60)
    finally:
        worker.stop()
    assert {decided_by for _, decided_by, _ in statuses(ids).values()} == {"classifier"}
    calls = recorded_calls(tmp_path / "w" / "calls")
    assert sum(len(texts) for texts in calls) == 30
    assert len(calls) < 30
    assert max(len(texts) for texts in calls) > 1


def test_a_failing_batch_is_retried_and_then_held_for_a_human(
    web_app: Flask, tmp_path: Path
) -> None:
    ids = submit_burst(3)
    worker = start_batch_worker(
        tmp_path / "w",
        "tests.support.classifiers:recording_always_fails",
        CLASSIFY_MAX_RETRIES=2,
        CLASSIFY_RETRY_SECONDS=0.2,
    )
    try:
        wait_for(lambda: all_decided(ids), timeout=60)
    finally:
        worker.stop()
    assert set(statuses(ids).values()) == {("pending", "rule", "classification_failed")}
    calls = recorded_calls(tmp_path / "w" / "calls")
    tried = [text for texts in calls for text in texts]
    # The first try, then two retries of each comment, each alone.
    assert sorted(tried) == sorted([f"Commento tranquillo numero {n}." for n in range(3)] * 3)


def test_a_batch_whose_pool_process_is_sigkilled_is_redelivered_and_decided(
    web_app: Flask, tmp_path: Path
) -> None:
    ids = submit_burst(5)
    # No sweep and a long visibility timeout: only the worker itself can hand the batch
    # back, as Celery's reject_on_worker_lost does for an ordinary task.
    worker = start_batch_worker(
        tmp_path / "w",
        "tests.support.classifiers:slow_once",
        VISIBILITY_TIMEOUT_SECONDS=600,
        CLASSIFY_BATCH_SECONDS=1,
    )
    try:
        marker = tmp_path / "w" / "in-flight"
        # A pool process hangs inside the batch, having written its pid.
        wait_for(lambda: marker.exists() and marker.read_text(), timeout=60)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        wait_for(lambda: all_decided(ids), timeout=60)
    finally:
        worker.stop()
    assert {decided_by for _, decided_by, _ in statuses(ids).values()} == {"classifier"}
