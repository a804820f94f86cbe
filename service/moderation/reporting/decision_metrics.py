"""Decisions as metrics: a listener of the gate's that counts them once their transaction
has committed (a rolled-back decision was never made).

A batch costs one small query (the slugs of its sites, by primary key) inside the transaction
and, after the commit, one increment per site, actor kind and outcome, not one per comment;
only the classifier's latency is observed per comment, since its distribution is the point.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from sqlalchemy import select

from models import ActorKind, CommentStatus, Site, utcnow
from service.database import after_commit
from service.extensions import db
from service.metrics import definitions as metrics
from service.moderation.changes import Applied
from service.moderation.listeners import Notice, NoticeKind

DecisionKey = tuple[str, str, str]  # site, actor kind, outcome
QUEUED = CommentStatus.QUEUED


def count_decisions(notice: Notice) -> None:
    """The listener: count the decisions in `notice` once they are committed. Undoing one
    and rescoring are not decisions."""
    if notice.kind == NoticeKind.DECIDED:
        after_commit(recorder(notice.applied, notice.site_slugs))


def recorder(
    applied: Sequence[Applied], known_slugs: Mapping[int, str] | None = None
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
