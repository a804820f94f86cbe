"""Deliveries to a real local receiver: signed, retried, redelivered, in order, and refused
where they must not go."""

import json
import socket
import threading
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
import trustme
from flask import Flask
from sqlalchemy import select, update
from standardwebhooks import Webhook, WebhookVerificationError

from models import (
    CommentStatus,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Actor, Change
from service.webhooks import addresses, sender
from service.webhooks.deliveries import list_deliveries, redeliver
from service.webhooks.delivery import deliver_due
from tests.integration.service.webhooks.conftest import Broker
from tests.support.factories import create_comment, create_endpoint, create_site
from tests.support.metrics import sample
from tests.support.receiver import Answer, Receiver, running_receiver

QUEUED, PENDING, APPROVED = CommentStatus.QUEUED, CommentStatus.PENDING, CommentStatus.APPROVED
DECIDED = WebhookEvent.COMMENT_DECIDED
ALICE = Actor.moderator(7, "alice")


def decide(comment_id: int, from_status: str, to_status: str, actor: Actor) -> None:
    gate.transition([Change(comment_id, from_status, to_status, "why", actor)])
    db.session.commit()


def delivery_rows() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def make_due_now() -> None:
    """As if every back-off had passed."""
    db.session.execute(update(WebhookDelivery).values(next_attempt_at=utcnow()))
    db.session.commit()


def attempts_counted(site_slug: str, outcome: str) -> float:
    """The delivery attempts the metrics counted for a site and outcome, in this process."""
    return sample("moderato_webhook_deliveries_total", site=site_slug, outcome=outcome)


def statuses_received(receiver: Receiver) -> list[str]:
    return [json.loads(body)["data"]["status"] for body in receiver.bodies()]


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_a_delivery_carries_a_signature_the_standard_library_verifies(
    app: Flask, receiver: Receiver
) -> None:
    site = create_site().site
    new = create_endpoint(site, url=receiver.url, events=(DECIDED,))
    comment = create_comment(site)
    decide(comment.id, QUEUED, APPROVED, CLASSIFIER)
    run = deliver_due(new.endpoint.id)
    [request] = receiver.requests
    assert request.path == "/hooks"
    document = Webhook(new.secret).verify(request.body, request.headers)
    assert document["type"] == DECIDED
    assert document["data"]["comment_id"] == comment.id
    [row] = delivery_rows()
    assert request.headers["webhook-id"] == row.message_id
    assert request.headers["Content-Type"] == "application/json"
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert run.delivered == [row.id]
    # Another secret does not verify it.
    with pytest.raises(WebhookVerificationError, match="signature"):
        Webhook(create_endpoint(site).secret).verify(request.body, request.headers)


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_a_500_is_retried_after_a_back_off_and_then_delivered(
    app: Flask, receiver: Receiver
) -> None:
    site = create_site().site
    endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
    decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
    receiver.answer_next(Answer(status=500))
    counted = {
        outcome: attempts_counted(site.slug, outcome) for outcome in ("retrying", "delivered")
    }
    before = utcnow()
    deliver_due(endpoint.id)
    [row] = delivery_rows()
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (
        DeliveryStatus.PENDING, 1, 500, "http_status",
    )  # fmt: skip
    first = app.config["WEBHOOK_RETRY_SECONDS"]
    assert row.next_attempt_at >= before + timedelta(seconds=first)
    deliver_due(endpoint.id)  # not due yet: nothing is sent
    assert len(receiver.requests) == 1
    make_due_now()
    deliver_due(endpoint.id)
    [row] = delivery_rows()
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.DELIVERED, 2, 200)
    assert {o: attempts_counted(site.slug, o) - n for o, n in counted.items()} == {
        "retrying": 1, "delivered": 1,
    }  # fmt: skip
    first_try, second_try = receiver.requests
    assert first_try.headers["webhook-id"] == second_try.headers["webhook-id"]
    assert first_try.body == second_try.body


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_the_back_off_doubles_and_the_delivery_fails_when_attempts_run_out(
    app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 3)
    site = create_site().site
    endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
    decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
    receiver.default = Answer(status=503)
    failed_before = attempts_counted(site.slug, "failed")
    waits = []
    for _ in range(3):
        make_due_now()
        deliver_due(endpoint.id)
        [row] = delivery_rows()
        waits.append((row.next_attempt_at - row.last_attempt_at).total_seconds())
    first = app.config["WEBHOOK_RETRY_SECONDS"]
    assert waits[:2] == [pytest.approx(first, abs=1), pytest.approx(2 * first, abs=1)]
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 3)
    assert attempts_counted(site.slug, "failed") == failed_before + 1
    make_due_now()
    deliver_due(endpoint.id)
    assert len(receiver.requests) == 3  # a failed delivery is never sent again by itself


@pytest.mark.usefixtures("allow_loopback")
def test_a_redelivery_sends_the_same_message_again_as_a_new_delivery(
    app: Flask, receiver: Receiver, broker: Broker
) -> None:
    site = create_site().site
    new = create_endpoint(site, url=receiver.url, events=(DECIDED,))
    decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
    deliver_due(new.endpoint.id)
    [original] = delivery_rows()
    again = redeliver(original.id, site_id=site.id)
    assert broker.messages[-1] == [new.endpoint.id]
    deliver_due(new.endpoint.id)
    first, second = receiver.requests
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    assert second.body == first.body
    Webhook(new.secret).verify(second.body, second.headers)
    rows = delivery_rows()
    assert [(r.id, r.status, r.redelivery_of) for r in rows] == [
        (original.id, DeliveryStatus.DELIVERED, None),
        (again.id, DeliveryStatus.DELIVERED, original.id),
    ]
    page = list_deliveries(new.endpoint.id, site_id=site.id)
    assert [d.id for d in page.items] == [again.id, original.id]  # newest first


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_a_later_event_of_a_comment_waits_for_the_earlier_one_to_be_delivered(
    app: Flask, receiver: Receiver
) -> None:
    site = create_site().site
    endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
    comment, other = create_comment(site), create_comment(site)
    decide(comment.id, QUEUED, PENDING, CLASSIFIER)
    decide(comment.id, PENDING, APPROVED, ALICE)
    decide(other.id, QUEUED, APPROVED, CLASSIFIER)
    receiver.answer_next(Answer(status=500))  # the comment's first event fails once
    deliver_due(endpoint.id)
    assert statuses_received(receiver) == [PENDING]
    make_due_now()
    # Its first event is due again, and its second stays behind it; the other comment's
    # event, held back by nothing, goes after them in id order.
    deliver_due(endpoint.id)
    assert statuses_received(receiver) == [PENDING, PENDING, APPROVED, APPROVED]
    bodies = [json.loads(b)["data"]["comment_id"] for b in receiver.bodies()]
    assert bodies == [comment.id, comment.id, comment.id, other.id]


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_while_an_earlier_event_waits_for_its_retry_other_comments_are_still_delivered(
    app: Flask, receiver: Receiver
) -> None:
    site = create_site().site
    endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
    comment, other = create_comment(site), create_comment(site)
    decide(comment.id, QUEUED, PENDING, CLASSIFIER)
    decide(comment.id, PENDING, APPROVED, ALICE)
    decide(other.id, QUEUED, APPROVED, CLASSIFIER)
    receiver.answer_next(Answer(status=500))
    deliver_due(endpoint.id)  # stops at the failure
    deliver_due(endpoint.id)  # the retry is not due: the comment's second event waits
    received = [json.loads(b)["data"]["comment_id"] for b in receiver.bodies()]
    assert received == [comment.id, other.id]


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_a_failed_earlier_event_no_longer_holds_the_later_ones(
    app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 1)
    site = create_site().site
    endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
    comment = create_comment(site)
    decide(comment.id, QUEUED, PENDING, CLASSIFIER)
    decide(comment.id, PENDING, APPROVED, ALICE)
    receiver.answer_next(Answer(status=500))
    deliver_due(endpoint.id)
    deliver_due(endpoint.id)
    assert statuses_received(receiver) == [PENDING, APPROVED]
    assert [r.status for r in delivery_rows()] == [DeliveryStatus.FAILED, DeliveryStatus.DELIVERED]


@pytest.mark.usefixtures("broker")
def test_by_default_nothing_is_delivered_to_a_loopback_address(
    app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = create_site().site
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)
    endpoint = create_endpoint(site, url=receiver.url.replace("127.0.0.1", "localhost")).endpoint
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)  # the default
    decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
    blocked_before = attempts_counted(site.slug, "blocked")
    deliver_due(endpoint.id)
    assert receiver.requests == []
    assert attempts_counted(site.slug, "blocked") == blocked_before + 1
    [row] = delivery_rows()
    assert (row.status, row.attempts, row.last_error) == (
        DeliveryStatus.PENDING, 1, "refused_address",
    )  # fmt: skip


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_a_redirect_is_a_failed_attempt_and_is_not_followed(app: Flask, receiver: Receiver) -> None:
    site = create_site().site
    endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
    decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
    receiver.answer_next(Answer(status=307, headers=(("Location", receiver.url + "/elsewhere"),)))
    deliver_due(endpoint.id)
    assert [r.path for r in receiver.requests] == ["/hooks"]
    [row] = delivery_rows()
    assert (row.status, row.last_status_code) == (DeliveryStatus.PENDING, 307)


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
    app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", 0.3)
    site = create_site().site
    endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
    decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
    receiver.answer_next(Answer(delay=1.5))
    deliver_due(endpoint.id)
    [row] = delivery_rows()
    assert (row.status, row.last_error) == (DeliveryStatus.PENDING, "timeout")


@pytest.mark.usefixtures("broker")
def test_two_workers_at_once_still_deliver_a_comment_s_events_one_after_the_other(
    pg_app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(pg_app.config, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)
    site = create_site().site
    endpoint_id = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint.id
    comment = create_comment(site)
    steps = [(QUEUED, PENDING, CLASSIFIER), (PENDING, APPROVED, ALICE)]
    steps += [(APPROVED, PENDING, ALICE), (PENDING, APPROVED, ALICE)]
    for from_status, to_status, actor in steps:
        decide(comment.id, from_status, to_status, actor)
    receiver.default = Answer(delay=0.2)

    def worker() -> None:
        with pg_app.app_context():
            while deliver_due(endpoint_id).delivered:
                pass

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses_received(receiver) == [PENDING, APPROVED, PENDING, APPROVED]
    assert receiver.max_in_flight == 1  # never two of one comment's events at once


@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_https_is_checked_against_the_url_s_host_name_while_connecting_to_a_checked_address(
    app: Flask,
    certificate_authority: trustme.CA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundle = tmp_path / "ca.pem"
    certificate_authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setitem(app.config, "WEBHOOK_CA_CERTS", str(bundle))
    site = create_site().site
    with running_receiver(certificate_authority.issue_cert("localhost")) as receiver:
        endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
        decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
        deliver_due(endpoint.id)
    [request] = receiver.requests
    assert request.headers["Host"] == f"localhost:{receiver.port}"
    assert [r.status for r in delivery_rows()] == [DeliveryStatus.DELIVERED]


@pytest.mark.usefixtures("allow_loopback", "broker")
@pytest.mark.parametrize("trusted", [True, False])
def test_a_certificate_for_another_name_or_from_an_untrusted_ca_is_a_failed_attempt(
    app: Flask,
    certificate_authority: trustme.CA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    trusted: bool,
) -> None:
    if trusted:  # trusted CA, but the certificate names another host
        bundle = tmp_path / "ca.pem"
        certificate_authority.cert_pem.write_to_path(str(bundle))
        monkeypatch.setitem(app.config, "WEBHOOK_CA_CERTS", str(bundle))
        certificate = certificate_authority.issue_cert("hooks.example.com")
    else:  # the right name, from a CA the system does not trust
        certificate = certificate_authority.issue_cert("localhost")
    site = create_site().site
    with running_receiver(certificate) as receiver:
        endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
        decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
        deliver_due(endpoint.id)
    assert receiver.requests == []
    [row] = delivery_rows()
    assert (row.status, row.last_error) == (DeliveryStatus.PENDING, "tls_failed")


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_when_connecting_to_one_address_fails_the_next_checked_one_is_tried(
    app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    def resolve(host: str, port: int, **_: object) -> list[tuple]:
        # DNS is the boundary: the name has two addresses, and nothing listens on the first.
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in ("127.0.0.2", "127.0.0.1")
        ]

    monkeypatch.setattr(sender, "destination", partial(addresses.destination, resolver=resolve))
    site = create_site().site
    url = receiver.url.replace("127.0.0.1", "hooks.example.com")
    endpoint = create_endpoint(site, url=url, events=(DECIDED,)).endpoint
    decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
    deliver_due(endpoint.id)
    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.example.com:{receiver.port}"
    assert [r.status for r in delivery_rows()] == [DeliveryStatus.DELIVERED]


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_an_attempt_that_breaks_unexpectedly_is_recorded_and_retried_like_any_other(
    app: Flask, receiver: Receiver
) -> None:
    site = create_site().site
    endpoint = create_endpoint(site, url=receiver.url, events=(DECIDED,)).endpoint
    db.session.execute(
        update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id).values(secret="whsec_")
    )  # a secret nothing can sign with (validation never lets one in)
    decide(create_comment(site).id, QUEUED, APPROVED, CLASSIFIER)
    deliver_due(endpoint.id)
    assert receiver.requests == []
    [row] = delivery_rows()
    assert (row.status, row.attempts, row.last_error) == (
        DeliveryStatus.PENDING, 1, "internal_error",
    )  # fmt: skip
