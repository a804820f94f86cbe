"""Finished deliveries are kept for a while, then purged; pending ones never are."""

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from models import CommentStatus, DeliveryStatus, WebhookDelivery, WebhookEvent, utcnow
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Change
from service.webhooks.deliveries import purge_old_deliveries
from tests.integration.service.webhooks.conftest import Broker
from tests.support.factories import create_comment, create_endpoint, create_site


def test_only_finished_deliveries_past_the_retention_are_purged(app: Flask, broker: Broker) -> None:
    site = create_site().site
    create_endpoint(site, events=(WebhookEvent.COMMENT_DECIDED,))
    comments = [create_comment(site) for _ in range(4)]
    gate.transition(
        [Change(c.id, CommentStatus.QUEUED, CommentStatus.APPROVED, None, CLASSIFIER)
         for c in comments]
    )  # fmt: skip
    db.session.commit()
    ids = list(db.session.scalars(select(WebhookDelivery.id).order_by(WebhookDelivery.id)))
    days = app.config["WEBHOOK_RETENTION_DAYS"]
    old, recent = utcnow() - timedelta(days=days + 1), utcnow() - timedelta(days=days - 1)
    for delivery_id, status, when in [
        (ids[0], DeliveryStatus.DELIVERED, old),
        (ids[1], DeliveryStatus.FAILED, old),
        (ids[2], DeliveryStatus.DELIVERED, recent),
        (ids[3], DeliveryStatus.PENDING, old),
    ]:
        db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(status=status, next_attempt_at=when)
        )
    db.session.commit()
    assert purge_old_deliveries() == 2
    assert list(db.session.scalars(select(WebhookDelivery.id).order_by(WebhookDelivery.id))) == [
        ids[2], ids[3],
    ]  # fmt: skip
