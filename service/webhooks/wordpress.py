"""Connecting a WordPress site: the webhook endpoint its Moderato plugin receives events at,
and the keys the plugin calls Moderato with (`moderato wordpress connect`, docs/wordpress.md).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from models import WebhookEndpoint, WebhookEvent
from service.accounts import sites
from service.accounts.auth import authenticate_akismet_key, authenticate_key
from service.errors import InvalidInput, Unauthenticated
from service.extensions import db
from service.webhooks import endpoints

logger = logging.getLogger(__name__)

EVENTS_PATH = "/wp-json/moderato/v1/events"  # the plugin's REST route
EVENTS = [WebhookEvent.COMMENT_DECIDED]  # every change of status; the plugin needs no other


@dataclass(frozen=True)
class WordPressConnection:
    """What a WordPress site's plugin needs: the keys and the endpoint's secret, shown once.
    `new_keys` names the keys issued now (their old values stopped working)."""

    endpoint_id: int
    events_url: str
    site_key: str
    akismet_key: str
    webhook_secret: str
    new_keys: tuple[str, ...]


def events_url(wordpress_url: str) -> str:
    """Where the plugin receives events, under the site's WordPress address."""
    return wordpress_url.rstrip("/") + EVENTS_PATH


def connect_wordpress(
    slug: str, wordpress_url: str, *, site_key: str | None = None, akismet_key: str | None = None
) -> WordPressConnection:
    """Create the webhook endpoint of the site's WordPress (replacing one at the same address,
    whose secret the plugin no longer has) and gather the keys: the given ones, checked to be
    the site's, or new ones (hashed keys cannot be shown again)."""
    site = sites.get_site(slug)
    url = events_url(wordpress_url)
    endpoints.check_url(url)  # before anything changes
    check_key_owner(site.id, site_key, akismet_key)
    new_keys: list[str] = []
    if site_key is None:
        site_key = sites.rotate_api_key(slug)
        new_keys.append("site key")
    if akismet_key is None:
        akismet_key = sites.rotate_akismet_key(slug)
        new_keys.append("akismet key")
    for old in db.session.scalars(
        select(WebhookEndpoint.id).where(
            WebhookEndpoint.site_id == site.id, WebhookEndpoint.url == url
        )
    ).all():
        endpoints.remove_endpoint(old, site.id)
    new = endpoints.add_endpoint(site.id, url, EVENTS)
    logger.info("Connected WordPress at %s", url, extra={"site_id": site.id})
    return WordPressConnection(
        new.endpoint.id, url, site_key, akismet_key, new.secret, tuple(new_keys)
    )


def check_key_owner(site_id: int, site_key: str | None, akismet_key: str | None) -> None:
    """InvalidInput unless each given key is this site's."""
    wrong = {}
    if site_key is not None and not owns(site_id, lambda: authenticate_key(site_key).site):
        wrong["site_key"] = "Not a key of this site."
    if akismet_key is not None and not owns(site_id, lambda: authenticate_akismet_key(akismet_key)):
        wrong["akismet_key"] = "Not an Akismet key of this site."
    if wrong:
        raise InvalidInput(fields=wrong)


def owns(site_id: int, resolve: Callable[[], object]) -> bool:
    """Whether the key `resolve()` looks up belongs to the site."""
    try:
        found = resolve()
    except Unauthenticated:
        return False
    return getattr(found, "id", None) == site_id
