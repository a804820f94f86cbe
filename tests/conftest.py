"""Fixtures: real PostgreSQL and Redis, the embedded SQLite default, and the Flask app."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from tests.support import backends

BACKENDS = ["postgresql", "sqlite"]


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """A fresh, empty PostgreSQL database for this run."""
    backends.recreate_pg_database()
    return backends.pg_url()


@pytest.fixture(scope="session")
def fresh_redis() -> None:
    """Empty the Redis databases the tests use, so no message of an earlier run lingers."""
    for number in (backends.REDIS_API_DB, backends.REDIS_WORKER_DB):
        redis.Redis.from_url(backends.redis_url(number)).flushdb()


@pytest.fixture(scope="session")
def app_factory(
    postgres_database: str, fresh_redis: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Flask]]:
    """One migrated app per backend for the whole run (migrations run once)."""
    apps = {
        backend: backends.build_app(backend, tmp_path_factory.mktemp(backend))
        for backend in BACKENDS
    }
    yield apps
    for flask_app in apps.values():
        backends.dispose_app(flask_app)


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, app_factory: dict[str, Flask]) -> Iterator[Flask]:
    """The app on each backend in turn, inside an app context, with empty tables."""
    yield from use_app(app_factory[request.param])


@pytest.fixture
def pg_app(app_factory: dict[str, Flask]) -> Iterator[Flask]:
    """The app on PostgreSQL only."""
    yield from use_app(app_factory["postgresql"])


def use_app(flask_app: Flask) -> Iterator[Flask]:
    """Make `flask_app` (and its Celery app) current and its tables empty."""
    import service.learning.classifiers

    celery = flask_app.extensions["celery"]
    celery.set_current()
    celery.set_default()
    service.learning.classifiers._source = None  # the process-wide classifier belongs to one app
    with flask_app.app_context():
        backends.clean_database()
        # Intake's copy of articles' gates: SQLite reuses the ids of deleted sites.
        flask_app.extensions.pop("moderato.article_gates", None)
        flask_app.extensions.pop("moderato.article_modes", None)
        yield flask_app
        backends.clean_database()
    service.learning.classifiers._source = None


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the current app."""
    return app.test_client()


@pytest.fixture
def shared_data() -> Path:
    """The shared data folder beside the repo (always there in CI)."""
    path = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    if not path.is_dir():
        pytest.skip("../shared/data is not present")
    return path
