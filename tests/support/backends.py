"""Real databases and brokers for tests: PostgreSQL + Redis, and the embedded SQLite default."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import delete

from models import (
    AkismetCheck,
    Article,
    ClassifierVersion,
    Comment,
    IdempotencyKey,
    LoginFailure,
    ModerationEvent,
    Moderator,
    Site,
    SitePolicyVersion,
    TrainingExample,
    TrainingRun,
    WebhookDelivery,
    WebhookEndpoint,
    WebSession,
    moderator_sites,
)
from service import create_app
from service.extensions import db

PG_ADMIN_URL = os.environ.get(
    "MODERATO_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# Overridable so that several checkouts can run their suites side by side on one server.
PG_TEST_DB = os.environ.get("MODERATO_TEST_PG_DB", "moderato_test")
REDIS_HOST = os.environ.get("MODERATO_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("MODERATO_TEST_REDIS_PORT", "6379"))
# Separate Redis databases: API tests publish into one nobody consumes; worker tests use another.
REDIS_API_DB = int(os.environ.get("MODERATO_TEST_REDIS_API_DB", "14"))
REDIS_WORKER_DB = int(os.environ.get("MODERATO_TEST_REDIS_WORKER_DB", "15"))


def redis_url(db_number: int, port: int = REDIS_PORT) -> str:
    """URL of a Redis database on the test server."""
    return f"redis://{REDIS_HOST}:{port}/{db_number}"


def pg_url(database: str = PG_TEST_DB) -> str:
    """SQLAlchemy URL of a database on the test PostgreSQL server."""
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{database}"


def recreate_pg_database(name: str = PG_TEST_DB) -> None:
    """Drop and create the test database, so every run starts from nothing."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def app_config(backend: str, data_dir: Path, **overrides: Any) -> dict[str, Any]:
    """create_app overrides for a backend; classification uses the keyword classifier unless
    a test asks otherwise (in-process tests need no trained model)."""
    config: dict[str, Any] = {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "CLASSIFIER_BACKEND": "keyword",
        "SWEEP_AFTER_SECONDS": 60,
        # Each publish at once, so tests see the message as soon as the request returns; the
        # batched path has tests of its own and runs in `moderato serve` and the benchmarks.
        "PUBLISH_WINDOW_SECONDS": 0,
    }
    if backend == "postgresql":
        config["SQLALCHEMY_DATABASE_URI"] = pg_url()
        config["BROKER_URL"] = redis_url(REDIS_API_DB)
    elif backend == "sqlite":
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{data_dir / 'moderato.db'}"
        config["BROKER_URL"] = "filesystem://"
    else:
        raise ValueError(backend)
    config.update(overrides)
    return config


def build_app(
    backend: str, data_dir: Path, factory: Callable[..., Flask] = create_app, **overrides: Any
) -> Flask:
    """An app (from `factory`) on a migrated database of `backend`."""
    app = factory(app_config(backend, data_dir, **overrides))
    with app.app_context():
        upgrade()
    return app


def dispose_app(app: Flask) -> None:
    """Close the app's pooled connections (garbage-collected ones warn, and warnings fail)."""
    with app.app_context():
        db.engine.dispose()
        app.extensions["celery"].pool.force_close_all()


def clean_database() -> None:
    """Delete every row a test may have made, keeping global classifier versions and their
    activations (training them is the slow part; tests that activate one roll it back).

    Rows that PostgreSQL would delete by cascade are deleted by name: SQLite does not enforce
    foreign keys, so a web session would outlive its moderator there and be counted by the
    next test."""
    db.session.rollback()
    db.session.execute(delete(WebSession))
    db.session.execute(delete(WebhookDelivery))
    db.session.execute(delete(WebhookEndpoint))
    db.session.execute(delete(IdempotencyKey))
    db.session.execute(delete(AkismetCheck))
    db.session.execute(delete(LoginFailure))
    db.session.execute(delete(ModerationEvent))
    db.session.execute(delete(Comment))
    db.session.execute(delete(Article))
    db.session.execute(delete(SitePolicyVersion))
    db.session.execute(delete(moderator_sites))
    db.session.execute(delete(Moderator))
    db.session.execute(delete(TrainingRun))
    db.session.execute(delete(TrainingExample))
    db.session.execute(delete(ClassifierVersion).where(ClassifierVersion.site_id.is_not(None)))
    db.session.execute(delete(Site))
    db.session.commit()
