"""The webhook sweep sends what is due and what the broker lost, and nothing twice over."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from models import CommentStatus, Site, WebhookDelivery, WebhookEvent, utcnow
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Change
from service.names import Queues
from service.webhooks.sweep import sweep_deliveries
from tests.integration.service.webhooks.conftest import Broker
from tests.support.factories import create_comment, create_endpoint, create_site

DECIDED = WebhookEvent.COMMENT_DECIDED


@pytest.fixture(autouse=True)
def empty_webhooks_queue(app: Flask) -> None:
    """Other tests publish delivery tasks into this broker and nobody consumes them."""
    with app.extensions["celery"].connection_for_write() as connection:
        connection.default_channel.queue_purge(Queues.WEBHOOKS)


def write_delivery(site: Site) -> int:
    """A comment decided by the classifier, which owes the site's endpoint a delivery."""
    comment = create_comment(site)
    gate.transition(
        [Change(comment.id, CommentStatus.QUEUED, CommentStatus.APPROVED, None, CLASSIFIER)]
    )
    db.session.commit()
    return comment.id


def age_deliveries(seconds: float, **values: object) -> None:
    past = utcnow() - timedelta(seconds=seconds)
    db.session.execute(
        update(WebhookDelivery).values(created_at=past, next_attempt_at=past, **values)
    )
    db.session.commit()


def test_a_delivery_whose_message_was_lost_is_sent_once_it_is_old_enough(
    app: Flask, broker: Broker
) -> None:
    site = create_site().site
    endpoint = create_endpoint(site, events=(DECIDED,)).endpoint
    write_delivery(site)
    assert sweep_deliveries().endpoint_ids == []  # just written: its own message is on the way
    age_deliveries(app.config["WEBHOOK_SWEEP_AFTER_SECONDS"] + 1)
    assert sweep_deliveries().endpoint_ids == [endpoint.id]
    assert broker.messages[-1] == [endpoint.id]


def test_a_due_retry_is_sent_at_once_and_one_not_due_is_left(app: Flask, broker: Broker) -> None:
    site = create_site().site
    endpoint = create_endpoint(site, events=(DECIDED,)).endpoint
    write_delivery(site)
    age_deliveries(0, attempts=1)
    assert sweep_deliveries().endpoint_ids == [endpoint.id]
    db.session.execute(
        update(WebhookDelivery).values(next_attempt_at=utcnow() + timedelta(minutes=5))
    )
    db.session.commit()
    assert sweep_deliveries().endpoint_ids == []


def test_delivered_and_failed_deliveries_are_never_swept(app: Flask, broker: Broker) -> None:
    site = create_site().site
    create_endpoint(site, events=(DECIDED,))
    write_delivery(site)
    write_delivery(site)
    age_deliveries(3600, status="delivered")
    assert sweep_deliveries().endpoint_ids == []
    age_deliveries(3600, status="failed")
    assert sweep_deliveries().endpoint_ids == []


def test_the_sweep_sends_nothing_while_delivery_tasks_wait_in_the_broker(
    app: Flask,
) -> None:
    site = create_site().site
    create_endpoint(site, events=(DECIDED,))
    write_delivery(site)  # its after-commit message really goes to the (unconsumed) queue
    age_deliveries(3600)
    result = sweep_deliveries()
    assert (result.skipped, result.endpoint_ids) == ("backlog", [])
