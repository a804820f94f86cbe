"""The embedded default (SQLite and the file-system broker, no Redis) with a real worker."""

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import use_app
from tests.support.backends import build_app, dispose_app
from tests.support.factories import (
    bearer,
    comment_payload,
    create_moderator,
    create_site,
    wait_decided,
)
from tests.support.processes import start_worker, worker_env

pytestmark = pytest.mark.worker


def test_the_embedded_default_trains_on_first_start_and_decides(tmp_path: Path) -> None:
    settings = {"CLASSIFIER_BACKEND": "sklearn", "SWEEP_INTERVAL_SECONDS": 1}
    app = build_app("sqlite", tmp_path, **settings)
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    worker = start_worker(
        worker_env(database_url, "filesystem://", tmp_path, **settings), tmp_path / "worker.log"
    )
    try:
        for _ in use_app(app):
            body = submit_spam_and_wait(app.test_client())
            assert body["status"] == "rejected"
            assert body["classifier_version"].startswith("base-")
    finally:
        worker.stop()
        dispose_app(app)


def submit_spam_and_wait(client: FlaskClient) -> dict:
    site = create_site()
    alice = create_moderator(site.site)
    spam = comment_payload(body="Casino online bonus gratis!!! Clicca qui www.vinci-subito.xyz")
    created = client.post("/api/v1/comments", json=spam, headers=bearer(site.api_key))
    return wait_decided(client, alice.token, created.get_json()["id"], timeout=120)
