"""The webhook sweep (beat, every WEBHOOK_SWEEP_INTERVAL_SECONDS): nothing in the outbox is
left behind.

It sends the delivery task for every endpoint with a delivery due: a retry whose back-off has
passed, or a new delivery still unsent WEBHOOK_SWEEP_AFTER_SECONDS after it was written (its
after-commit message was lost: the broker was down, Redis restarted, the process died right
after its commit). As the comment sweep does, it sends nothing while messages still wait in
the webhooks queue (the workers are behind, or down: what waits will run) or while the broker
cannot be reached; a message it sends twice costs an empty run, the lease makes sure.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from models import WebhookDelivery, utcnow
from service.celery.wiring import BrokerUnreachable, count_waiting_messages
from service.extensions import db
from service.names import Queues
from service.webhooks.delivery import due_condition
from service.webhooks.dispatch import enqueue_deliveries

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 0.5


@dataclass
class WebhookSweep:
    """What one sweep did."""

    endpoint_ids: list[int] = field(default_factory=list)
    skipped: str | None = None  # "backlog" or "broker_down"


def sweep_deliveries() -> WebhookSweep:
    """Send the delivery task for each endpoint with a due retry or a lost delivery."""
    celery = current_app.extensions["celery"]
    try:
        waiting = count_waiting_messages(celery, Queues.WEBHOOKS, BROKER_TIMEOUT_SECONDS)
    except BrokerUnreachable:
        logger.warning("Webhook sweep: broker unreachable; nothing sent", exc_info=True)
        return WebhookSweep(skipped="broker_down")
    if waiting:
        logger.info("Webhook sweep: %d message(s) still wait; nothing sent", waiting)
        return WebhookSweep(skipped="backlog")
    endpoint_ids = fetch_endpoints_due()
    if endpoint_ids:
        enqueue_deliveries(endpoint_ids)
        logger.info("Webhook sweep sent deliveries of %d endpoint(s)", len(endpoint_ids))
    return WebhookSweep(endpoint_ids=endpoint_ids)


def fetch_endpoints_due() -> list[int]:
    """Endpoints with a due retry, or a due first attempt older than the sweep's cutoff."""
    now = utcnow()
    cutoff = now - timedelta(seconds=float(current_app.config["WEBHOOK_SWEEP_AFTER_SECONDS"]))
    query = (
        select(WebhookDelivery.endpoint_id)
        .where(
            due_condition(now),
            or_(WebhookDelivery.attempts > 0, WebhookDelivery.created_at < cutoff),
        )
        .distinct()
        .order_by(WebhookDelivery.endpoint_id)
    )
    endpoint_ids = list(db.session.scalars(query))
    db.session.rollback()  # a read: end it before publishing
    return endpoint_ids
