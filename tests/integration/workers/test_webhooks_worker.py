"""A real Celery worker (with beat) delivers webhooks to a real local receiver: after the
commit, in order per comment, retried after a 500, and even when the message was lost."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from standardwebhooks import Webhook

from models import CommentStatus, DeliveryStatus, WebhookDelivery
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Change
from service.webhooks import dispatch
from tests.conftest import use_app
from tests.integration.workers.conftest import worker_settings
from tests.support import backends
from tests.support.backends import REDIS_WORKER_DB, redis_url
from tests.support.factories import (
    bearer,
    comment_payload,
    create_comment,
    create_moderator,
    create_site,
    wait_decided,
)
from tests.support.processes import ManagedProcess, start_worker, wait_for, worker_env
from tests.support.receiver import Answer, Receiver, running_receiver

pytestmark = pytest.mark.worker


def webhook_settings() -> dict[str, object]:
    """The worker settings, with deliveries allowed to the loopback receiver and short waits."""
    return {
        **worker_settings(),
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
        "WEBHOOK_SUBSCRIPTIONS_CACHE_SECONDS": 0,  # endpoints added by the test are seen at once
        "WEBHOOK_RETRY_SECONDS": 1,
        "WEBHOOK_SWEEP_INTERVAL_SECONDS": 1,
        "WEBHOOK_SWEEP_AFTER_SECONDS": 2,
    }


@pytest.fixture(scope="module")
def worker_app(tmp_path_factory: pytest.TempPathFactory, trained_default: str) -> Iterator[Flask]:
    settings = {**webhook_settings(), "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True}
    app = backends.build_app(
        "postgresql", tmp_path_factory.mktemp("web"), BROKER_URL=redis_url(REDIS_WORKER_DB),
        **settings,
    )  # fmt: skip
    yield app
    with app.app_context():
        db.engine.dispose()
    # Not dispose_app: kombu keeps one broker connection pool per URL, shared by every app, and
    # closing it here would break the modules that use this broker after this one
    # (test_worker_batches, test_worker_process); the last of them closes it.


@pytest.fixture(scope="module")
def worker(worker_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagedProcess]:
    data_dir: Path = tmp_path_factory.mktemp("worker")
    env = worker_env(backends.pg_url(), redis_url(REDIS_WORKER_DB), data_dir, **webhook_settings())
    process = start_worker(env, data_dir / "worker.log", concurrency=2)
    yield process
    process.stop()


@pytest.fixture
def web(worker_app: Flask, worker: ManagedProcess) -> Iterator[FlaskClient]:
    for _ in use_app(worker_app):
        yield worker_app.test_client()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def add_endpoint(web: FlaskClient, site_key: str, url: str) -> dict:
    response = web.post(
        "/api/v1/webhooks", json={"url": url, "events": ["comment.decided",
        "comment.queued_for_review", "comment.left_review"]}, headers=bearer(site_key),
    )  # fmt: skip
    assert response.status_code == 201
    return response.get_json()  # type: ignore[no-any-return]


def received(receiver: Receiver, secret: str) -> list[tuple[str, str]]:
    """(type, status) of each verified delivery, in arrival order."""
    documents = [Webhook(secret).verify(r.body, r.headers) for r in list(receiver.requests)]
    return [(d["type"], d["data"]["status"]) for d in documents]


def test_a_comment_s_events_reach_the_receiver_signed_and_in_order(
    web: FlaskClient, receiver: Receiver
) -> None:
    site = create_site(moderation_mode="pre")
    alice = create_moderator(site.site, name="alice")
    endpoint = add_endpoint(web, site.api_key, receiver.url)
    created = web.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
    comment_id = created.get_json()["id"]
    assert wait_decided(web, alice.token, comment_id)["status"] == CommentStatus.PENDING
    wait_for(lambda: len(receiver.requests) >= 2, timeout=30)
    approved = web.post(
        f"/api/v1/moderation/comments/{comment_id}/approve", headers=bearer(alice.token)
    )
    assert approved.status_code == 200
    wait_for(lambda: len(receiver.requests) >= 4, timeout=30)
    assert received(receiver, endpoint["secret"]) == [
        ("comment.decided", "pending"),
        ("comment.queued_for_review", "pending"),
        ("comment.decided", "approved"),
        ("comment.left_review", "approved"),
    ]
    actors = [json.loads(r.body)["data"]["actor"]["kind"] for r in receiver.requests]
    assert actors == ["classifier", "classifier", "moderator", "moderator"]


def test_a_receiver_answering_500_gets_the_delivery_again_later(
    web: FlaskClient, receiver: Receiver
) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    endpoint = add_endpoint(web, site.api_key, receiver.url)
    receiver.answer_next(Answer(status=500))
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    web.post(f"/api/v1/moderation/comments/{comment.id}/approve", headers=bearer(alice.token))
    # The first message fails; beat's sweep sends the retry once its 1 s back-off has passed.
    wait_for(lambda: len(receiver.requests) >= 3, timeout=30)
    first, second, third = receiver.requests
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    assert [json.loads(r.body)["type"] for r in (first, second, third)] == [
        "comment.decided", "comment.decided", "comment.left_review",
    ]  # fmt: skip

    def all_delivered() -> bool:
        db.session.expire_all()
        rows = db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint["id"])
        ).all()
        return all(row.status == DeliveryStatus.DELIVERED for row in rows)

    wait_for(all_delivered, timeout=10)


def test_a_delivery_whose_message_was_lost_is_sent_by_the_sweep(
    web: FlaskClient, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = create_site()
    endpoint = add_endpoint(web, site.api_key, receiver.url)
    lost: list[list[int]] = []
    monkeypatch.setattr(dispatch, "enqueue_deliveries", lost.append)  # the broker lost it
    comment = create_comment(site.site)
    change = Change(
        comment.id, CommentStatus.QUEUED, CommentStatus.APPROVED, "not_spam", CLASSIFIER
    )
    gate.transition([change])
    db.session.commit()
    assert lost == [[endpoint["id"]]]
    wait_for(lambda: receiver.requests, timeout=30)
    assert received(receiver, endpoint["secret"]) == [("comment.decided", "approved")]
