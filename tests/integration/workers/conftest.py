"""Apps and worker processes for tests against a real Celery worker."""

from pathlib import Path

import pytest
from flask import Flask

from service.learning.training import ensure_default_classifier
from tests.support import backends
from tests.support.processes import ManagedProcess, start_worker, worker_env


@pytest.fixture(scope="session")
def trained_default(app_factory: dict[str, Flask]) -> str:
    """Train the seed classifier once in PostgreSQL, so workers start with it ready."""
    with app_factory["postgresql"].app_context():
        return ensure_default_classifier()


def worker_settings() -> dict[str, object]:
    """Short periods, so recovery paths finish within a test."""
    return {
        "CLASSIFIER_BACKEND": "sklearn",
        "SWEEP_INTERVAL_SECONDS": 1,
        "SWEEP_AFTER_SECONDS": 4,
        "VISIBILITY_TIMEOUT_SECONDS": 6,
        "CLASSIFIER_REFRESH_SECONDS": 0.5,
        "WORKER_HEARTBEAT_SECONDS": 1,
    }


def make_pg_app(tmp: Path, broker_url: str) -> Flask:
    """An in-process app (the web side) on the test PostgreSQL, publishing to `broker_url`."""
    return backends.build_app("postgresql", tmp, BROKER_URL=broker_url, **worker_settings())


def start_pg_worker(broker_url: str, data_dir: Path) -> ManagedProcess:
    """A real worker on the test PostgreSQL and `broker_url`, with `worker_settings()`.

    Its files (and its log, worker.log) live in `data_dir`, which is created if needed.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    env = worker_env(backends.pg_url(), broker_url, data_dir, **worker_settings())
    return start_worker(env, data_dir / "worker.log")
