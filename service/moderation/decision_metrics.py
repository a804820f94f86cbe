"""Decisions as metrics, recorded by the gate once their transaction has committed.

A batch costs one small query (the slugs of its sites, by primary key) inside the transaction
and, after the commit, one increment per site, actor kind and outcome, not one per comment;
only the classifier's latency is observed per comment, since its distribution is the point.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import select

from models import ActorKind, CommentStatus, Site, utcnow
from service import metrics
from service.extensions import db

if TYPE_CHECKING:
    from service.moderation.gate import Applied

DecisionKey = tuple[str, str, str]  # site, actor kind, outcome
QUEUED = CommentStatus.QUEUED


def recorder(
    applied: Sequence["Applied"], known_slugs: dict[int, str] | None = None
) -> Callable[[], None]:
    """What to record once the changes in `applied` are committed. `known_slugs` (site id to
    slug), when it covers the batch's sites, spares the query."""
    site_ids = {a.site_id for a in applied}
    if known_slugs is not None and site_ids <= known_slugs.keys():
        slugs = known_slugs
    else:
        slugs = site_slugs(site_ids)
    decisions = Counter(
        (slugs.get(a.site_id, ""), a.change.actor.kind, a.change.to_status) for a in applied
    )
    now = utcnow()
    latencies: dict[str, list[float]] = defaultdict(list)
    for a in applied:
        if a.change.actor.kind == ActorKind.CLASSIFIER and a.change.from_status == QUEUED:
            latencies[slugs.get(a.site_id, "")].append((now - a.created_at).total_seconds())
    return partial(record, decisions, latencies)


def record(decisions: Counter[DecisionKey], latencies: dict[str, list[float]]) -> None:
    """Add a committed batch to the counters and the latency histogram."""
    for (site, actor_kind, outcome), count in decisions.items():
        metrics.DECISIONS.labels(site=site, actor_kind=actor_kind, outcome=outcome).inc(count)
    for site, seconds in latencies.items():
        histogram = metrics.CLASSIFICATION_LATENCY.labels(site=site)
        for value in seconds:
            histogram.observe(max(0.0, value))  # clocks of two machines may disagree a little


def site_slugs(site_ids: set[int]) -> dict[int, str]:
    """Slug of each site, by id (one primary-key lookup for the batch)."""
    rows = db.session.execute(select(Site.id, Site.slug).where(Site.id.in_(site_ids)))
    return {row.id: row.slug for row in rows}
