"""The migration to versioned policies and roles keeps what existing sites and moderators had."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from service import create_app
from service.extensions import db
from tests.support import backends

BEFORE = "9a4e2c7d5b13"
AFTER = "c5e1a9d3f702"


@pytest.fixture(params=["sqlite", "postgresql"])
def old_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database migrated only up to the revision before this one."""
    # A broker of its own: dispose_app closes kombu's connection pool, which is shared by every
    # app publishing to the same URL (the suite's Redis database), and later tests publish there.
    overrides = {"BROKER_URL": "memory://"}
    if request.param == "postgresql":
        name = f"{backends.PG_TEST_DB}_policy_migration"
        backends.recreate_pg_database(name)
        overrides["SQLALCHEMY_DATABASE_URI"] = backends.pg_url(name)
    app = create_app(backends.app_config(request.param, tmp_path, **overrides))
    with app.app_context():
        upgrade(revision=BEFORE)
        yield app
        db.session.remove()
    backends.dispose_app(app)


def run(statement: str, **params: object) -> list:
    rows = db.session.execute(text(statement), params)
    return list(rows) if rows.returns_rows else []


def seed_old_data() -> None:
    run(
        "INSERT INTO sites (slug, name, api_key_hash, api_key_prefix, auto_reject_above,"
        " auto_approve_below, moderation_mode, created_at)"
        " VALUES ('gazzetta', 'Gazzetta', 'h1', 'sk_x', 0.8, 0.3, 'pre', CURRENT_TIMESTAMP)"
    )
    run(
        "INSERT INTO moderators (name, token_hash, token_prefix, created_at)"
        " VALUES ('anna', 'h2', 'mk_x', CURRENT_TIMESTAMP)"
    )
    run(
        "INSERT INTO moderator_sites (moderator_id, site_id)"
        " SELECT m.id, s.id FROM moderators m, sites s"
    )
    for when in ("2026-01-02 10:00:00", "2026-01-01 09:00:00"):
        run(
            "INSERT INTO comments (site_id, article_id, author_name, body, status, version,"
            " created_at, enqueued_at, requeue_count)"
            " SELECT id, 'a-1', 'Lettore', 'Ciao', 'pending', 1, :when, :when, 0 FROM sites",
            when=when,
        )
    db.session.commit()


def test_existing_sites_get_version_one_and_existing_moderators_stay_admins(old_app: Flask) -> None:
    seed_old_data()
    upgrade(revision=AFTER)
    [version] = run("SELECT version, document, created_by FROM site_policies")
    assert version[0] == 1
    assert version[2] == "migration"
    document = version[1] if isinstance(version[1], dict) else json.loads(version[1])
    assert document == {
        "moderation_mode": "pre", "auto_approve_below": 0.3, "auto_reject_above": 0.8,
        "hold_unfamiliar_below": 0.5, "close_after_days": None,
    }  # fmt: skip
    assert run("SELECT role FROM moderator_sites") == [("admin",)]
    [(first,)] = run("SELECT first_comment_at FROM articles WHERE article_id = 'a-1'")
    assert str(first).startswith("2026-01-01 09:00:00")
    assert run("SELECT policy_version FROM sites") == [(1,)]


def test_the_migration_downgrades_and_upgrades_again(old_app: Flask) -> None:
    seed_old_data()
    upgrade(revision=AFTER)
    downgrade(revision=BEFORE)
    assert run("SELECT count(*) FROM sites") == [(1,)]
    db.session.commit()  # PostgreSQL: a reading transaction would block the next DDL
    upgrade(revision=AFTER)
    assert run("SELECT count(*) FROM site_policies") == [(1,)]
