"""Reading an endpoint's deliveries, sending one again, and purging old ones."""

import logging
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from models import DeliveryStatus, WebhookDelivery, utcnow
from service.errors import NotFound
from service.extensions import db
from service.pagination import Page, decode_cursor, encode_cursor, invalid_cursor
from service.webhooks.dispatch import enqueue_deliveries
from service.webhooks.endpoints import get_endpoint

logger = logging.getLogger(__name__)

ORDER = "newest"


class WebhookDeliveryNotFound(NotFound):
    message = "No such webhook delivery."


def list_deliveries(
    endpoint_id: int,
    *,
    site_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """An endpoint's deliveries, newest first, optionally of one status."""
    get_endpoint(endpoint_id, site_id)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if cursor is not None:
        query = query.where(WebhookDelivery.id < cursor_id(cursor))
    rows = list(db.session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit + 1)))
    next_cursor = encode_cursor(ORDER, [rows[limit - 1].id]) if len(rows) > limit else None
    return Page(rows[:limit], next_cursor)


def cursor_id(cursor: str) -> int:
    """The delivery id a cursor of this listing continues after."""
    key: list[Any] = decode_cursor(cursor, ORDER)
    if len(key) != 1 or type(key[0]) is not int:
        raise invalid_cursor()
    return key[0]


def get_delivery(delivery_id: int, site_id: int | None = None) -> WebhookDelivery:
    """One delivery; another site's is reported missing."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or (site_id is not None and site_of(delivery) != site_id):
        raise WebhookDeliveryNotFound()
    return delivery


def site_of(delivery: WebhookDelivery) -> int:
    """The site whose endpoint a delivery goes to."""
    return get_endpoint(delivery.endpoint_id).site_id


def redeliver(
    delivery_id: int, *, site_id: int | None = None, endpoint_id: int | None = None
) -> WebhookDelivery:
    """Send a delivery again (whatever became of it) as a new delivery of the same message:
    the same `webhook-id` and body, fresh attempts. It goes after any delivery of the same
    comment still pending; the task is sent once the transaction commits."""
    original = get_delivery(delivery_id, site_id)
    if endpoint_id is not None and original.endpoint_id != endpoint_id:
        raise WebhookDeliveryNotFound()
    now = utcnow()
    again = WebhookDelivery(
        endpoint_id=original.endpoint_id, comment_id=original.comment_id, event=original.event,
        message_id=original.message_id, payload=original.payload,
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now,
        redelivery_of=original.id,
    )  # fmt: skip
    db.session.add(again)
    db.session.commit()
    enqueue_deliveries([again.endpoint_id])
    logger.info(
        "Redelivering webhook delivery %s as %s", original.id, again.id,
        extra={"delivery_id": again.id},
    )  # fmt: skip
    return again


def purge_old_deliveries() -> int:
    """Delete delivered and failed deliveries whose last attempt is older than
    WEBHOOK_RETENTION_DAYS; returns how many. Pending ones are never purged."""
    days = float(current_app.config["WEBHOOK_RETENTION_DAYS"])
    cutoff = utcnow() - timedelta(days=days)
    # A finished delivery's next_attempt_at is its last attempt's lease: the (status,
    # next_attempt_at) index serves this without one of its own on the time of the attempt.
    result = db.session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.status.in_([DeliveryStatus.DELIVERED, DeliveryStatus.FAILED]),
            WebhookDelivery.next_attempt_at < cutoff,
        )
    )
    db.session.commit()
    purged = int(result.rowcount)  # type: ignore[attr-defined]
    if purged:
        logger.info("Purged %d webhook deliveries older than %s days", purged, days)
    return purged
