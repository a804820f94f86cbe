"""A site's webhook endpoints: add, list, read, remove. Used by the CLI and the site API."""

import base64
import binascii
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select

from models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from service.errors import InvalidInput, NotFound
from service.extensions import db
from service.webhooks.addresses import is_public, literal_address
from service.webhooks.delivery import flag
from service.webhooks.subscriptions import subscribed_sites

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
SECRET_BYTES = 32
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64
UNREACHABLE_URL = "A host in brackets must be an IP address, a port at most 65535."


class WebhookEndpointNotFound(NotFound):
    message = "No such webhook endpoint."


@dataclass(frozen=True)
class NewEndpoint:
    """An endpoint just added, and its secret (shown only this once)."""

    endpoint: WebhookEndpoint
    secret: str


def generate_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 256 random bits in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def check_secret(secret: str) -> None:
    """A secret of the Standard Webhooks form, 24 to 64 bytes once decoded."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidInput(fields={"secret": f"Must start with {SECRET_PREFIX!r}."})
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidInput(fields={"secret": "Must be base64 after the prefix."}) from error
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        message = f"Must hold {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes."
        raise InvalidInput(fields={"secret": message})


def check_url(url: str) -> None:
    """An http(s) URL with a host; an IP literal must be public unless private addresses are
    allowed. Names are checked when each delivery is made (what they resolve to can change)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - read for its check: ValueError outside 0-65535
    except ValueError as error:  # `[...]` not an IP address, or a port out of range
        raise InvalidInput(fields={"url": UNREACHABLE_URL}) from error
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput(fields={"url": "Must be an http or https URL with a host."})
    address = literal_address(parts.hostname)
    allowed = flag(current_app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"])
    if address is not None and not allowed and not is_public(address):
        raise InvalidInput(fields={"url": "Deliveries to non-public addresses are not allowed."})


def check_events(events: list[str]) -> list[str]:
    """At least one known event, each once, in the canonical order."""
    unknown = sorted(set(events) - set(WebhookEvent.ALL))
    if unknown or not events:
        message = f"Choose among {', '.join(WebhookEvent.ALL)}."
        raise InvalidInput(fields={"events": message})
    return [event for event in WebhookEvent.ALL if event in events]


def add_endpoint(
    site_id: int, url: str, events: list[str], secret: str | None = None
) -> NewEndpoint:
    """Register an endpoint for a site; a secret is generated unless one is given."""
    check_url(url)
    chosen = check_events(events)
    if secret is None:
        secret = generate_secret()
    check_secret(secret)
    endpoint = WebhookEndpoint(site_id=site_id, url=url, secret=secret, events=chosen)
    db.session.add(endpoint)
    db.session.commit()
    subscribed_sites().forget()
    logger.info("Added webhook endpoint %s", endpoint.id, extra={"site_id": site_id})
    return NewEndpoint(endpoint, secret)


def list_endpoints(site_id: int | None = None) -> list[WebhookEndpoint]:
    """The endpoints of one site (or of all, for the operator), oldest first."""
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.id)
    if site_id is not None:
        query = query.where(WebhookEndpoint.site_id == site_id)
    return list(db.session.scalars(query))


def get_endpoint(endpoint_id: int, site_id: int | None = None) -> WebhookEndpoint:
    """One endpoint; another site's is reported missing, so ids reveal nothing."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or (site_id is not None and endpoint.site_id != site_id):
        raise WebhookEndpointNotFound()
    return endpoint


def remove_endpoint(endpoint_id: int, site_id: int | None = None) -> None:
    """Remove an endpoint and its deliveries (those still pending are never sent)."""
    endpoint = get_endpoint(endpoint_id, site_id)
    # Explicit: SQLite enforces no ON DELETE CASCADE unless asked per connection.
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.commit()
    subscribed_sites().forget()
    logger.info("Removed webhook endpoint %s", endpoint_id, extra={"site_id": endpoint.site_id})
