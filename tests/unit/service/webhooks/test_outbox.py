"""The events a change raises, and how a delivery is signed (no I/O)."""

import json
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from models import WebhookEvent
from service.webhooks.endpoints import generate_secret
from service.webhooks.outbox import Transition, events_of, payload
from service.webhooks.sender import Message, Outcome, signed_headers

DECIDED, QUEUED_FOR_REVIEW, LEFT_REVIEW = WebhookEvent.ALL


def transition(from_status: str, to_status: str) -> Transition:
    return Transition(
        comment_id=1, site_id=1, article_id="a", from_status=from_status, to_status=to_status,
        reason=None, actor_kind="classifier", actor_id=None, actor_name="classifier", version=2,
        spam_score=0.1, classifier_version="v1",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("from_status", "to_status", "events"),
    [
        ("queued", "approved", [DECIDED]),
        ("queued", "rejected", [DECIDED]),
        ("queued", "pending", [DECIDED, QUEUED_FOR_REVIEW]),
        ("pending", "approved", [DECIDED, LEFT_REVIEW]),
        ("pending", "rejected", [DECIDED, LEFT_REVIEW]),
        ("approved", "rejected", [DECIDED]),
        ("rejected", "pending", [DECIDED, QUEUED_FOR_REVIEW]),
        ("pending", "pending", []),  # a new score alone
    ],
)
def test_the_events_of_each_change(from_status: str, to_status: str, events: list[str]) -> None:
    assert events_of(transition(from_status, to_status)) == events


def test_the_payload_has_the_standard_webhooks_shape() -> None:
    now = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    document = json.loads(payload(transition("queued", "approved"), DECIDED, "il-quotidiano", now))
    assert set(document) == {"type", "timestamp", "data"}
    assert (document["type"], document["timestamp"]) == (DECIDED, "2026-12-02T09:30:00+00:00")
    assert document["data"]["site"] == "il-quotidiano"


def test_signed_headers_verify_with_the_standard_library() -> None:
    secret = generate_secret()
    message = Message("https://hooks.example.com/", secret, "msg_1", '{"type":"comment.decided"}')
    headers = signed_headers(message)
    assert Webhook(secret).verify(message.body, headers) == {"type": "comment.decided"}
    assert headers["webhook-signature"].startswith("v1,")
    tampered = message.body.replace("decided", "deleted")
    with pytest.raises(WebhookVerificationError, match="signature"):
        Webhook(secret).verify(tampered, headers)


def test_only_a_2xx_answer_is_delivered() -> None:
    assert Outcome(status_code=204).ok
    assert not Outcome(status_code=301).ok
    assert not Outcome(status_code=500).ok
    assert not Outcome(error="timeout").ok
