"""The queue as metrics: comments waiting, and the oldest one's age, per site and status.

Computed when scraped, from the database (the truth every web and worker process shares),
rather than kept as gauges that each process would update: two queries walking indexes, a
count over (status, site_id, id) and, per site and status, the first row of that index.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from models import Comment, CommentStatus, Site, utcnow
from service.extensions import db

logger = logging.getLogger(__name__)

WAITING = (CommentStatus.QUEUED, CommentStatus.PENDING)  # for the workers; for a human


@dataclass(frozen=True)
class QueueState:
    """One site's comments in one waiting status."""

    site: str
    status: str
    count: int
    oldest_created_at: datetime | None


class QueueCollector:
    """A prometheus_client collector: the queue state, read when a scrape asks for it."""

    def __init__(self, fetch: Callable[[], list[QueueState]], now: Callable[[], datetime] = utcnow):
        self.fetch, self.now = fetch, now

    def collect(self) -> Iterable[Metric]:
        """Two gauges per site and status; nothing (and a logged warning) if the database
        cannot be read, so the rest of the scrape still answers."""
        try:
            states = self.fetch()
        except SQLAlchemyError:
            logger.warning("Queue metrics unavailable: the database query failed", exc_info=True)
            return []
        return queue_gauges(states, self.now())


def queue_gauges(states: list[QueueState], now: datetime) -> list[Metric]:
    """The gauges for `states`: an empty queue has 0 comments and an oldest age of 0."""
    depth = GaugeMetricFamily(
        "moderato_queue_comments",
        "Comments waiting: queued (for a worker) or pending (for a moderator).",
        labels=["site", "status"],
    )
    age = GaugeMetricFamily(
        "moderato_queue_oldest_age_seconds",
        "Seconds since the oldest waiting comment was submitted; 0 when none waits.",
        labels=["site", "status"],
    )
    for state in states:
        labels = [state.site, state.status]
        depth.add_metric(labels, state.count)
        oldest = state.oldest_created_at
        age.add_metric(labels, max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
    return [depth, age]


def fetch_queue_states() -> list[QueueState]:
    """Every site with its queued and pending counts and oldest comments (ids grow with time,
    so the lowest id of a site and status is its oldest)."""
    counted = select(Comment.site_id, Comment.status, func.count())
    counts: dict[tuple[int, str], int] = {
        (site_id, status): count
        for site_id, status, count in db.session.execute(
            counted.where(Comment.status.in_(WAITING)).group_by(Comment.site_id, Comment.status)
        )
    }
    query = select(Site.id, Site.slug, *(oldest_created_at(s) for s in WAITING))
    states = []
    for site_id, slug, *oldest in db.session.execute(query.order_by(Site.slug)):
        for status, created_at in zip(WAITING, oldest, strict=True):
            count = counts.get((site_id, status), 0)
            states.append(QueueState(slug, status, count, created_at))
    db.session.rollback()  # a scrape holds no transaction open
    return states


def oldest_created_at(status: str) -> Any:
    """Per site (correlated with the outer query): the creation time of its first comment in
    `status`, found through the (status, site_id, id) index."""
    return (
        select(Comment.created_at)
        .where(Comment.status == status, Comment.site_id == Site.id)
        .order_by(Comment.id)
        .limit(1)
        .scalar_subquery()
        .label(f"oldest_{status}")
    )
