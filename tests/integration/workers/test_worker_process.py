"""A real Celery worker process on PostgreSQL and Redis decides what the API accepted."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from classifier import LabelledData
from service.extensions import db
from service.learning.training import train_and_store
from service.learning.versions import activate_version, roll_back
from tests.conftest import use_app
from tests.integration.workers.conftest import make_pg_app, start_pg_worker
from tests.support.backends import REDIS_WORKER_DB, dispose_app, redis_url
from tests.support.factories import (
    bearer,
    comment_payload,
    create_moderator,
    create_site,
    wait_decided,
)
from tests.support.processes import ManagedProcess, wait_for

pytestmark = pytest.mark.worker

ARTICLE = {
    "article_id": "cronaca/2026/11/26/via-roma-ciclabile",
    "article_url": "https://www.ilquotidiano.example/cronaca/2026/11/26/via-roma-ciclabile",
    "article_title": "Via Roma, partono i lavori della pista ciclabile: sei mesi di cantiere",
}
ITALIAN_HAM = [
    "Finalmente una pista ciclabile in via Roma! Speriamo solo che i lavori finiscano "
    "davvero in sei mesi.",
    "Abito in via Roma da vent'anni: il problema vero sono i parcheggi in doppia fila, "
    "non le bici.",
    "Qualcuno sa se il mercato del giovedì verrà spostato durante il cantiere?",
    "Articolo chiaro, grazie. Sarebbe utile pubblicare anche la mappa del percorso.",
]
ITALIAN_SPAM = [
    "GUADAGNA 500€ AL GIORNO DA CASA!!! Clicca qui www.soldi-facili.xyz e inizia subito, "
    "offerta limitata!!!",
    "Casino online con bonus di benvenuto gratis 🎰🎰 registrati ora su vinci-sempre.top, "
    "pagamenti immediati",
    "Prestiti veloci senza garanzie e senza busta paga, scrivimi su WhatsApp "
    "+39 333 0000000 risposta immediata",
]


@pytest.fixture(scope="module")
def worker_app(tmp_path_factory: pytest.TempPathFactory, trained_default: str) -> Iterator[Flask]:
    app = make_pg_app(tmp_path_factory.mktemp("web"), redis_url(REDIS_WORKER_DB))
    yield app
    dispose_app(app)


@pytest.fixture(scope="module")
def worker(worker_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagedProcess]:
    process = start_pg_worker(redis_url(REDIS_WORKER_DB), tmp_path_factory.mktemp("worker"))
    yield process
    process.stop()


@pytest.fixture
def web(worker_app: Flask, worker: ManagedProcess) -> Iterator[FlaskClient]:
    for _ in use_app(worker_app):
        yield worker_app.test_client()


def test_a_comment_posted_over_http_gets_decided(web: FlaskClient, trained_default: str) -> None:
    site = create_site("Il Quotidiano")
    moderator = create_moderator(site.site, name="alice")
    response = web.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
    assert response.status_code == 202
    decided = wait_decided(web, moderator.token, response.get_json()["id"])
    assert decided["status"] in {"approved", "pending", "rejected"}
    assert 0 <= decided["spam_score"] <= 1
    assert decided["decided_by"] == "classifier"
    assert decided["classifier_version"] == trained_default
    history = web.get(
        f"/api/v1/moderation/comments/{decided['id']}/history", headers=bearer(moderator.token)
    ).get_json()["items"]
    assert [(e["actor"], e["from_status"]) for e in history] == [("classifier", "queued")]
    assert history[0]["classifier_version"] == trained_default
    # Every verdict is explained, in the representation and in the history alike.
    explanation = decided["explanation"]
    assert set(explanation) == {"spam", "ham"}
    assert explanation["spam"] or explanation["ham"]
    assert all(item["weight"] > 0 for item in explanation["spam"])
    assert all(item["weight"] < 0 for item in explanation["ham"])
    assert history[0]["explanation"] == explanation


def test_italian_comments_on_a_real_looking_article(web: FlaskClient) -> None:
    site = create_site("Il Quotidiano")
    alice = create_moderator(site.site, name="alice")
    posted = {}
    for text in ITALIAN_HAM + ITALIAN_SPAM:
        payload = comment_payload(body=text, **ARTICLE)
        response = web.post("/api/v1/comments", json=payload, headers=bearer(site.api_key))
        assert response.status_code == 202
        posted[text] = response.get_json()["id"]
    results = {text: wait_decided(web, alice.token, cid) for text, cid in posted.items()}
    for text in ITALIAN_SPAM:
        assert results[text]["status"] == "rejected", (text, results[text]["spam_score"])
    for text in ITALIAN_HAM:
        assert results[text]["status"] != "rejected", (text, results[text]["spam_score"])
        assert results[text]["body"] == text  # accents and apostrophes intact
    approved = {text for text in ITALIAN_HAM if results[text]["status"] == "approved"}
    assert approved, "the seed classifier should publish at least some plain Italian comments"
    listing = web.get(
        f"/api/v1/articles/{ARTICLE['article_id']}/comments", headers=bearer(site.api_key)
    ).get_json()
    assert {item["body"] for item in listing["items"]} == approved


def test_a_moderator_decides_what_the_worker_held(web: FlaskClient, tmp_path: Path) -> None:
    site = create_site(moderation_mode="pre")
    alice = create_moderator(site.site, name="alice")
    created = web.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
    held = wait_decided(web, alice.token, created.get_json()["id"])
    assert (held["status"], held["decision_reason"]) == ("pending", "pre_moderation")
    queue = web.get("/api/v1/moderation/queue", headers=bearer(alice.token)).get_json()["items"]
    assert [item["id"] for item in queue] == [held["id"]]
    approved = web.post(
        f"/api/v1/moderation/comments/{held['id']}/approve", headers=bearer(alice.token)
    )
    assert approved.get_json()["status"] == "approved"


def test_a_version_activated_here_is_used_by_the_running_worker_and_rollback_too(
    web: FlaskClient, trained_default: str
) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    other = train_and_store(
        LabelledData(
            texts=[f"free money casino {n}" for n in range(5)]
            + [f"nice song {n}" for n in range(5)],
            labels=[1] * 5 + [0] * 5,
        ),
        {"source": "test"},
        False,
    )

    def decided_version() -> str:
        created = web.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
        return wait_decided(web, alice.token, created.get_json()["id"])["classifier_version"]

    activate_version(other, site=site.site, actor="test")
    db.session.commit()  # activate_version is the part of `activate` before its commit
    # The worker checks for a new version every CLASSIFIER_REFRESH_SECONDS (0.5 s here).
    wait_for(lambda: decided_version() == other.version, timeout=30, interval=1)
    roll_back(site=site.site)
    wait_for(lambda: decided_version() == trained_default, timeout=30, interval=1)
