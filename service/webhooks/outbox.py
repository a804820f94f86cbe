"""The outbox: the deliveries a batch of changes owes, written in the changes' transaction.

The gate's webhook listener (listener.py) calls `record` with the changes of one batch whose
site has endpoints (see subscriptions.py); this reads those sites' endpoints and writes every
delivery in one INSERT, so a delivery exists exactly when its change is committed. The
listener then has the deliveries sent once the transaction commits (dispatch.py); if that
message is lost, the sweep sends them (sweep.py).
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select

from models import (
    AkismetCheck,
    CommentStatus,
    DeliveryStatus,
    Site,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from models import WebhookEvent as Event
from service.extensions import db

DELIVERIES = cast(Table, WebhookDelivery.__table__)


@dataclass(frozen=True)
class Transition:
    """A status change the gate made, with what its events tell the receiver."""

    comment_id: int
    site_id: int
    article_id: str
    from_status: str
    to_status: str
    reason: str | None
    actor_kind: str
    actor_id: int | None
    actor_name: str
    version: int
    spam_score: float | None
    classifier_version: str | None


@dataclass(frozen=True)
class Subscriber:
    """An endpoint as the outbox needs it."""

    id: int
    site_slug: str
    events: frozenset[str]


def events_of(transition: Transition) -> list[str]:
    """The events a change raises, in the order they are delivered.

    Every change of status is a decision; entering or leaving `pending` also moves the
    comment into or out of the review queue. A new score that keeps the status raises none.
    """
    if transition.from_status == transition.to_status:
        return []
    events = [Event.COMMENT_DECIDED]
    if transition.to_status == CommentStatus.PENDING:
        events.append(Event.COMMENT_QUEUED_FOR_REVIEW)
    elif transition.from_status == CommentStatus.PENDING:
        events.append(Event.COMMENT_LEFT_REVIEW)
    return events


def record(transitions: Sequence[Transition]) -> list[int]:
    """Write the deliveries the transitions owe to their sites' endpoints, in the caller's
    transaction. Returns the ids of the endpoints that got any (to be sent after the commit)."""
    subscribers = fetch_subscribers({t.site_id for t in transitions})
    if not subscribers:
        return []
    now = utcnow()
    guids = fetch_guids([t.comment_id for t in transitions if t.site_id in subscribers])
    rows: list[dict[str, Any]] = []
    for transition in transitions:
        for event in events_of(transition):
            wanted = [s for s in subscribers.get(transition.site_id, []) if event in s.events]
            if wanted:
                guid = guids.get(transition.comment_id)
                rows.extend(delivery_rows(transition, event, wanted, now, guid))
    if not rows:
        return []
    db.session.execute(insert(DELIVERIES), rows)
    return sorted({row["endpoint_id"] for row in rows})


def fetch_subscribers(site_ids: set[int]) -> dict[int, list[Subscriber]]:
    """The endpoints of these sites, by site id.

    On PostgreSQL the rows are locked FOR KEY SHARE until the commit, so an endpoint removed
    meanwhile waits for this transaction instead of breaking its INSERT's foreign key.
    """
    query = (
        select(WebhookEndpoint.id, WebhookEndpoint.site_id, WebhookEndpoint.events, Site.slug)
        .join(Site, Site.id == WebhookEndpoint.site_id)
        .where(WebhookEndpoint.site_id.in_(site_ids))
        .order_by(WebhookEndpoint.id)
        .with_for_update(read=True, key_share=True, of=WebhookEndpoint)
    )
    subscribers: dict[int, list[Subscriber]] = defaultdict(list)
    for row in db.session.execute(query):
        subscribers[row.site_id].append(Subscriber(row.id, row.slug, frozenset(row.events)))
    return subscribers


def fetch_guids(comment_ids: list[int]) -> dict[int, str]:
    """The Akismet guids of those comments that came through the Akismet API, by comment id:
    the name a WordPress site knows its comment by (docs/wordpress.md)."""
    if not comment_ids:
        return {}
    query = select(AkismetCheck.comment_id, AkismetCheck.guid).where(
        AkismetCheck.comment_id.in_(comment_ids)
    )
    return {row.comment_id: row.guid for row in db.session.execute(query)}


def delivery_rows(
    transition: Transition,
    event: str,
    subscribers: list[Subscriber],
    now: datetime,
    guid: str | None = None,
) -> list[dict[str, Any]]:
    """One pending delivery per endpoint; one message (id and body) for all of them."""
    message_id = new_message_id()
    body = payload(transition, event, subscribers[0].site_slug, now, guid)
    return [
        {
            "endpoint_id": subscriber.id,
            "comment_id": transition.comment_id,
            "event": event,
            "message_id": message_id,
            "payload": body,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for subscriber in subscribers
    ]


def new_message_id() -> str:
    """A `webhook-id`: unique per message, the same on every attempt."""
    return f"msg_{uuid.uuid4().hex}"


def payload(
    transition: Transition, event: str, site_slug: str, now: datetime, guid: str | None = None
) -> str:
    """The body, as the Standard Webhooks specification suggests: type, timestamp, data.

    Only what a site key may read about a comment (no reader's personal data); the receiver
    fetches the rest with GET /api/v1/comments/<id>. `guid` is the comment's Akismet guid,
    null for a comment that did not come through the Akismet API.
    """
    actor = {
        "kind": transition.actor_kind,
        "id": transition.actor_id,
        "name": transition.actor_name,
    }
    data = {
        "comment_id": transition.comment_id,
        "site": site_slug,
        "article_id": transition.article_id,
        "status": transition.to_status,
        "previous_status": transition.from_status,
        "reason": transition.reason,
        "actor": actor,
        "spam_score": transition.spam_score,
        "classifier_version": transition.classifier_version,
        "version": transition.version,
        "guid": guid,
    }
    document = {"type": event, "timestamp": now.isoformat(), "data": data}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
