"""Which sites have webhook endpoints: asked by the gate on every change, so kept cheap.

Each process keeps the set of site ids with at least one endpoint for
WEBHOOK_SUBSCRIPTIONS_CACHE_SECONDS, so a change on a site without endpoints costs a set
lookup and no query. Only the sites in the set have their endpoints read, inside the
change's transaction (outbox.py), so a removed endpoint never gets a delivery; a new one is
seen by every process within the cache's lifetime (at once by the process that added it).
Hand-rolled: one set, a time and a lock.
"""

import threading
import time

from flask import Flask, current_app
from sqlalchemy import select

from models import WebhookEndpoint
from service.extensions import db

EXTENSION = "moderato.webhook_sites"


class SubscribedSites:
    """The ids of sites with endpoints, read again at most every `ttl` seconds."""

    def __init__(self, ttl: float):
        self.ttl = ttl
        self.site_ids: frozenset[int] = frozenset()
        self.expires = 0.0  # monotonic time; 0 reads the table on first use
        self.lock = threading.Lock()

    def get(self) -> frozenset[int]:
        """The cached set, refreshed from the database once it is older than `ttl`."""
        if time.monotonic() >= self.expires:
            with self.lock:
                if time.monotonic() >= self.expires:
                    self.site_ids = fetch_subscribed_site_ids()
                    self.expires = time.monotonic() + self.ttl
        return self.site_ids

    def forget(self) -> None:
        """Read the table again on next use (after this process changed endpoints)."""
        self.expires = 0.0


def fetch_subscribed_site_ids() -> frozenset[int]:
    """Every site id with at least one endpoint (one small indexed query)."""
    return frozenset(db.session.scalars(select(WebhookEndpoint.site_id).distinct()))


def init_app(app: Flask) -> None:
    """Give the app its cache of subscribed sites."""
    app.extensions[EXTENSION] = SubscribedSites(
        float(app.config["WEBHOOK_SUBSCRIPTIONS_CACHE_SECONDS"])
    )


def subscribed_sites() -> SubscribedSites:
    """The current app's cache."""
    cache: SubscribedSites = current_app.extensions[EXTENSION]
    return cache
