"""Sending an endpoint's due deliveries, in order, with bounded retries.

The delivery task runs `deliver_due(endpoint_id)`. It claims one due delivery at a time with
a compare-and-set lease (its `next_attempt_at` moves past the attempt's longest possible
end, and the claim commits), sends it with no transaction open, and records the outcome:
`delivered` on a 2xx; otherwise another attempt after an exponential back-off
(WEBHOOK_RETRY_SECONDS, doubling), and `failed` after WEBHOOK_MAX_ATTEMPTS. A worker that dies
mid-attempt leaves its lease to expire, and the delivery is sent again (at least once; the
`webhook-id` lets a receiver drop the repeat).

Order per comment: a delivery is due only when no earlier delivery of the same comment to the
same endpoint is still pending (being sent, or waiting for a retry). So a later event of a
comment is never sent before an earlier one, even with several workers; a delivery that has
`failed` no longer holds the later ones back.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, select, update
from sqlalchemy.orm import aliased

from models import DeliveryStatus, Site, WebhookDelivery, WebhookEndpoint, utcnow
from service.extensions import db
from service.metrics import definitions as metrics
from service.metrics.definitions import WebhookOutcome
from service.webhooks.sender import (
    REFUSED_ADDRESS,
    Limits,
    Message,
    Outcome,
    longest_attempt,
    send,
)

logger = logging.getLogger(__name__)

Delivery = WebhookDelivery
PENDING = DeliveryStatus.PENDING
LEASE_MARGIN_SECONDS = 30.0


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker holds the lease of, with what sending it needs."""

    id: int
    attempts: int
    message: Message
    site_slug: str  # for the metrics


@dataclass
class DeliveryRun:
    """What one run of the delivery task did."""

    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    more: bool = False  # stopped at WEBHOOK_BATCH_SIZE with deliveries possibly still due

    def add(self, delivery_id: int, status: str) -> None:
        """Count an attempt by the status it left its delivery in."""
        if status == DeliveryStatus.DELIVERED:
            self.delivered.append(delivery_id)
        elif status == DeliveryStatus.FAILED:
            self.failed.append(delivery_id)
        else:
            self.retrying.append(delivery_id)


def due_condition(now: datetime) -> ColumnElement[bool]:
    """Pending, due, and behind no earlier pending delivery of its comment to its endpoint."""
    earlier = aliased(Delivery)
    blocked = exists().where(
        earlier.endpoint_id == Delivery.endpoint_id,
        earlier.comment_id == Delivery.comment_id,
        earlier.status == PENDING,
        earlier.id < Delivery.id,
    )
    return and_(Delivery.status == PENDING, Delivery.next_attempt_at <= now, ~blocked)


def deliver_due(endpoint_id: int) -> DeliveryRun:
    """Send the endpoint's due deliveries, oldest first; stop at the first failed attempt
    (the receiver is down or slow: the rest wait for their retry or the sweep)."""
    config = current_app.config
    limits = Limits(
        allow_private=flag(config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"]),
        connect_timeout=float(config["WEBHOOK_CONNECT_TIMEOUT_SECONDS"]),
        timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
        ca_certs=config["WEBHOOK_CA_CERTS"] or None,
    )
    run = DeliveryRun()
    for _ in range(int(config["WEBHOOK_BATCH_SIZE"])):
        claimed = claim_next(endpoint_id, lease_seconds(limits))
        if claimed is None:
            return run
        outcome = send(claimed.message, limits)
        status = record_outcome(claimed, outcome)
        run.add(claimed.id, status)
        metrics.count_webhook_delivery(claimed.site_slug, metric_outcome(status, outcome))
        if not outcome.ok:
            return run
    run.more = True
    return run


def metric_outcome(status: str, outcome: Outcome) -> str:
    """How the metrics name an attempt that left its delivery in `status`."""
    if status == DeliveryStatus.DELIVERED:
        return WebhookOutcome.DELIVERED
    if status == DeliveryStatus.FAILED:
        return WebhookOutcome.FAILED
    if outcome.error == REFUSED_ADDRESS:
        return WebhookOutcome.BLOCKED
    return WebhookOutcome.RETRYING


def lease_seconds(limits: Limits) -> float:
    """Longer than any attempt can take, so a live attempt's lease never runs out."""
    return longest_attempt(limits) + LEASE_MARGIN_SECONDS


def claim_next(endpoint_id: int, lease: float) -> Claimed | None:
    """Take the lease of the endpoint's oldest due delivery and commit; None if none is due.

    Two workers may pick the same row: the compare-and-set lets one of them have it, and the
    other looks again.
    """
    for _ in range(3):
        now = utcnow()
        row = db.session.execute(
            select(Delivery.id, Delivery.attempts, Delivery.message_id, Delivery.payload,
                   WebhookEndpoint.url, WebhookEndpoint.secret, Site.slug)
            .join(WebhookEndpoint, WebhookEndpoint.id == Delivery.endpoint_id)
            .join(Site, Site.id == WebhookEndpoint.site_id)
            .where(Delivery.endpoint_id == endpoint_id, due_condition(now))
            .order_by(Delivery.id)
            .limit(1)
        ).first()  # fmt: skip
        if row is None:
            db.session.rollback()
            return None
        taken = db.session.execute(
            update(Delivery)
            .where(
                Delivery.id == row.id, Delivery.status == PENDING, Delivery.next_attempt_at <= now
            )
            .values(next_attempt_at=now + timedelta(seconds=lease))
        )
        db.session.commit()
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            message = Message(row.url, row.secret, row.message_id, row.payload)
            return Claimed(row.id, row.attempts, message, row.slug)
    return None


def record_outcome(claimed: Claimed, outcome: Outcome) -> str:
    """Store how the attempt went, and the delivery's next step; returns its new status
    (`pending` when another attempt is due later)."""
    config = current_app.config
    now = utcnow()
    attempts = claimed.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error or (None if outcome.ok else "http_status"),
    }
    if outcome.ok:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif attempts >= int(config["WEBHOOK_MAX_ATTEMPTS"]):
        values.update(status=DeliveryStatus.FAILED)
        logger.warning(
            "Webhook delivery %s failed after %d attempts", claimed.id, attempts,
            extra={"delivery_id": claimed.id},
        )  # fmt: skip
    else:
        delay = backoff_seconds(attempts, float(config["WEBHOOK_RETRY_SECONDS"]))
        values.update(next_attempt_at=now + timedelta(seconds=delay))
    db.session.execute(update(Delivery).where(Delivery.id == claimed.id).values(values))
    db.session.commit()
    return str(values.get("status", PENDING))


def backoff_seconds(attempts: int, first: float) -> float:
    """The wait after the `attempts`-th failed attempt: `first`, doubling each time."""
    return first * 2 ** (attempts - 1)


def flag(value: object) -> bool:
    """A boolean setting, also from the environment's text ("true", "1", "yes")."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
