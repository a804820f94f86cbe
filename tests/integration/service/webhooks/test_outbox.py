"""The gate writes webhook deliveries in the change's transaction, and only where they are owed."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from models import (
    AkismetCheck,
    AkismetVerdict,
    CommentStatus,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
)
from service.extensions import db
from service.moderation import gate
from service.moderation.assessment import Scored
from service.moderation.changes import CLASSIFIER, RESCORED, Actor, Change
from service.webhooks import endpoints
from tests.integration.service.webhooks.conftest import Broker
from tests.support.factories import create_comment, create_endpoint, create_site

QUEUED, PENDING, APPROVED, REJECTED = (
    CommentStatus.QUEUED,
    CommentStatus.PENDING,
    CommentStatus.APPROVED,
    CommentStatus.REJECTED,
)
DECIDED, QUEUED_FOR_REVIEW, LEFT_REVIEW = WebhookEvent.ALL
ALICE = Actor.moderator(7, "alice")


def deliveries() -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every SQL statement the block sends."""
    statements: list[str] = []

    def count(*args: object) -> None:
        statement = args[2]
        statements.append(str(statement))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_comment_held_for_review_owes_a_decision_and_a_queue_entry_in_that_order(
    app: Flask, broker: Broker
) -> None:
    site = create_site(name="Il Quotidiano").site
    endpoint = create_endpoint(site).endpoint
    comment = create_comment(site, article_id="cronaca/1")
    scored = Scored(0.5, "v1", None)
    gate.transition([Change(comment.id, QUEUED, PENDING, "uncertain", CLASSIFIER, scored=scored)])
    assert broker.messages == []  # nothing is sent before the commit
    db.session.commit()
    assert broker.messages == [[endpoint.id]]
    rows = deliveries()
    assert [(d.event, d.status, d.attempts, d.comment_id) for d in rows] == [
        (DECIDED, DeliveryStatus.PENDING, 0, comment.id),
        (QUEUED_FOR_REVIEW, DeliveryStatus.PENDING, 0, comment.id),
    ]
    assert rows[0].message_id != rows[1].message_id
    body = json.loads(rows[0].payload)
    assert body["type"] == DECIDED
    assert body["data"] == {
        "comment_id": comment.id, "site": "il-quotidiano", "article_id": "cronaca/1",
        "status": PENDING, "previous_status": QUEUED, "reason": "uncertain",
        "actor": {"kind": "classifier", "id": None, "name": "classifier"},
        "spam_score": 0.5, "classifier_version": "v1", "version": 2, "guid": None,
    }  # fmt: skip


def test_a_comment_checked_through_the_akismet_api_is_named_by_its_guid_too(
    app: Flask, broker: Broker
) -> None:
    site = create_site().site
    create_endpoint(site)
    comment = create_comment(site, status=PENDING)
    db.session.add(AkismetCheck(comment_id=comment.id, site_id=site.id, guid="6f1c-guid",
                                verdict=AkismetVerdict.HELD))  # fmt: skip
    db.session.flush()
    gate.transition([Change(comment.id, PENDING, APPROVED, None, ALICE)])
    db.session.commit()
    assert {json.loads(d.payload)["data"]["guid"] for d in deliveries()} == {"6f1c-guid"}


def test_a_moderator_decision_names_the_moderator_and_leaves_review(
    app: Flask, broker: Broker
) -> None:
    site = create_site().site
    create_endpoint(site)
    comment = create_comment(site, status=PENDING)
    gate.transition([Change(comment.id, PENDING, REJECTED, "abuse", ALICE)])
    db.session.commit()
    rows = deliveries()
    assert [d.event for d in rows] == [DECIDED, LEFT_REVIEW]
    data = json.loads(rows[0].payload)["data"]
    assert data["actor"] == {"kind": "moderator", "id": 7, "name": "alice"}
    assert (data["status"], data["previous_status"], data["reason"]) == (REJECTED, PENDING, "abuse")


def test_each_endpoint_gets_only_the_events_it_asked_for(app: Flask, broker: Broker) -> None:
    site = create_site().site
    decisions = create_endpoint(site, events=(DECIDED,)).endpoint
    queue = create_endpoint(site, events=(QUEUED_FOR_REVIEW, LEFT_REVIEW)).endpoint
    first, second = create_comment(site), create_comment(site)
    gate.transition(
        [
            Change(first.id, QUEUED, APPROVED, "not_spam", CLASSIFIER),
            Change(second.id, QUEUED, PENDING, "uncertain", CLASSIFIER),
        ]
    )
    db.session.commit()
    got = {(d.endpoint_id, d.comment_id, d.event) for d in deliveries()}
    assert got == {
        (decisions.id, first.id, DECIDED),
        (decisions.id, second.id, DECIDED),
        (queue.id, second.id, QUEUED_FOR_REVIEW),
    }
    assert broker.messages == [[decisions.id, queue.id]]


def test_two_endpoints_share_one_message_for_one_event(app: Flask, broker: Broker) -> None:
    site = create_site().site
    create_endpoint(site, events=(DECIDED,))
    create_endpoint(site, url="https://other.example.com/x", events=(DECIDED,))
    comment = create_comment(site)
    gate.transition([Change(comment.id, QUEUED, APPROVED, "not_spam", CLASSIFIER)])
    db.session.commit()
    first, second = deliveries()
    assert (first.message_id, first.payload) == (second.message_id, second.payload)


def test_the_whole_batch_is_one_insert(app: Flask, broker: Broker) -> None:
    site = create_site().site
    create_endpoint(site)
    comments = [create_comment(site) for _ in range(5)]
    changes = [Change(c.id, QUEUED, PENDING, "uncertain", CLASSIFIER) for c in comments]
    with counted_statements() as statements:
        gate.transition(changes)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO WEBHOOK")]
    # One statement for the batch (SQLAlchemy may send it as one executemany).
    assert len(inserts) == 1
    db.session.commit()
    assert len(deliveries()) == 10


def test_a_site_without_endpoints_costs_no_webhook_query_at_all(app: Flask, broker: Broker) -> None:
    other = create_site().site
    create_endpoint(other)  # some site has endpoints: the cache is not empty
    quiet = create_site().site
    comment = create_comment(quiet)
    gate.transition([Change(comment.id, QUEUED, PENDING, "warm", CLASSIFIER)])
    db.session.commit()  # the cache is now fresh
    change = Change(create_comment(quiet).id, QUEUED, PENDING, "uncertain", CLASSIFIER)
    with counted_statements() as statements:
        gate.transition([change])
    assert any(s.startswith("UPDATE comments") for s in statements)
    assert [s for s in statements if "webhook" in s.lower()] == []  # not one for webhooks
    db.session.commit()
    assert deliveries() == []
    assert broker.messages == []


def test_a_new_score_alone_raises_no_event(app: Flask, broker: Broker) -> None:
    site = create_site().site
    create_endpoint(site)
    comment = create_comment(site, status=PENDING)
    change = Change(
        comment.id, PENDING, PENDING, RESCORED, CLASSIFIER, scored=Scored(0.4, "v2", None)
    )
    assert len(gate.rescore([change])) == 1
    db.session.commit()
    assert deliveries() == []


def test_a_rolled_back_change_leaves_no_delivery_and_sends_nothing(
    app: Flask, broker: Broker
) -> None:
    site = create_site().site
    create_endpoint(site)
    comment = create_comment(site)
    gate.transition([Change(comment.id, QUEUED, APPROVED, "not_spam", CLASSIFIER)])
    db.session.rollback()
    db.session.commit()
    assert deliveries() == []
    assert broker.messages == []


def test_a_removed_endpoint_gets_nothing_even_while_the_cache_still_lists_its_site(
    app: Flask, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = create_site().site
    endpoint = create_endpoint(site).endpoint
    comment = create_comment(site)
    cache = endpoints.subscribed_sites()
    assert site.id in cache.get()
    monkeypatch.setattr(cache, "forget", lambda: None)  # as in another process: still cached
    endpoints.remove_endpoint(endpoint.id)
    assert site.id in cache.get()
    gate.transition([Change(comment.id, QUEUED, APPROVED, "not_spam", CLASSIFIER)])
    db.session.commit()
    assert deliveries() == []
    assert broker.messages == []


def test_a_comment_s_later_change_gets_a_later_delivery(app: Flask, broker: Broker) -> None:
    site = create_site().site
    create_endpoint(site, events=(DECIDED,))
    comment = create_comment(site)
    gate.transition([Change(comment.id, QUEUED, PENDING, "uncertain", CLASSIFIER)])
    db.session.commit()
    gate.transition([Change(comment.id, PENDING, APPROVED, None, ALICE)])
    db.session.commit()
    statuses = [json.loads(d.payload)["data"]["status"] for d in deliveries()]
    assert statuses == [PENDING, APPROVED]
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 2
