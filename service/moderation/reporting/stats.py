"""The dashboard: the queue now, and what was decided per day, read from the audit trail.

Days are UTC days. Every figure comes from `moderation_events` (indexed by `created_at`) joined
to the comments of the moderator's sites, so a dashboard of 30 days reads that period's events,
not every comment:

* decisions by source: events that approve, reject or hold (a comment leaving `queued` for
  `pending`), by `actor_kind` (classifier, rule, moderator); confirmations count as the
  moderator's decisions; undo entries and rescores are not decisions;
* the spam rate: of the comments decided for the first time that day (from `queued` or
  `pending`), the share rejected;
* the classifier as the moderators see it: a moderator's decision on a comment whose previous
  entry was the classifier's (rescores set aside) is missed spam (approved by the classifier,
  rejected by the moderator), a false positive (the reverse) or a confirmation (the same
  status), counted by day and by the classifier version the comment carried. A decision that
  was then undone does not count.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from models import ActorKind, Comment, CommentStatus, ModerationEvent, utcnow
from service.accounts.auth import ModeratorRef
from service.extensions import db
from service.moderation.changes import RESCORED, UNDO
from service.moderation.review.filters import filter_site_ids

DEFAULT_DAYS = 30
MAX_DAYS = 366
EVENT = ModerationEvent


@dataclass(frozen=True)
class SourceDay:
    """One source's decisions on one day."""

    day: date
    source: str  # classifier, rule or moderator (ActorKind)
    approved: int = 0
    rejected: int = 0
    held: int = 0  # sent to the review queue


@dataclass(frozen=True)
class SpamDay:
    """Comments decided for the first time on one day, by outcome."""

    day: date
    approved: int = 0
    rejected: int = 0

    @property
    def rate(self) -> float | None:
        """The share rejected; None on a day without decisions."""
        total = self.approved + self.rejected
        return self.rejected / total if total else None


@dataclass(frozen=True)
class AccuracyDay:
    """What moderators said of one classifier version's decisions, on one day."""

    day: date
    classifier_version: str | None
    missed_spam: int = 0  # approved by the classifier, rejected by a moderator
    false_positives: int = 0  # rejected by the classifier, approved by a moderator
    confirmed: int = 0  # the moderator agreed


@dataclass(frozen=True)
class Dashboard:
    """One site's figures (`site` is its slug), or those of all the moderator's sites (None)."""

    site: str | None
    days: list[date]
    now: datetime
    queue_size: int  # pending: waiting for a moderator
    queued: int  # waiting for the classifier
    oldest_pending_at: datetime | None
    decisions: list[SourceDay]
    spam: list[SpamDay]
    accuracy: list[AccuracyDay]

    @property
    def oldest_pending_age(self) -> timedelta | None:
        """How long the oldest pending comment has been waiting."""
        return self.now - self.oldest_pending_at if self.oldest_pending_at else None

    @property
    def spam_rate(self) -> float | None:
        """The share of first decisions that rejected, over the whole period."""
        return SpamDay(
            self.days[0],
            sum(d.approved for d in self.spam),
            sum(d.rejected for d in self.spam),
        ).rate

    @property
    def missed_spam(self) -> int:
        """Missed spam over the period."""
        return sum(a.missed_spam for a in self.accuracy)

    @property
    def false_positives(self) -> int:
        """False positives over the period."""
        return sum(a.false_positives for a in self.accuracy)


def get_dashboard(
    moderator: ModeratorRef, *, site: str | None = None, days: int = DEFAULT_DAYS
) -> Dashboard:
    """The dashboard of one of the moderator's sites (a slug), or of all of them."""
    site_ids = filter_site_ids(moderator, site)
    now = utcnow()
    period = [now.date() - timedelta(days=n) for n in range(min(days, MAX_DAYS) - 1, -1, -1)]
    since = datetime.combine(period[0], datetime.min.time(), UTC)
    queue = queue_now(site_ids)
    counted = count_decisions(site_ids, since)
    return Dashboard(
        site=site,
        days=period,
        now=now,
        queue_size=queue.get(CommentStatus.PENDING, (0, None))[0],
        queued=queue.get(CommentStatus.QUEUED, (0, None))[0],
        oldest_pending_at=queue.get(CommentStatus.PENDING, (0, None))[1],
        decisions=decisions_by_source(counted),
        spam=spam_by_day(counted),
        accuracy=accuracy_by_day(site_ids, since),
    )


def queue_now(site_ids: list[int]) -> dict[str, tuple[int, datetime | None]]:
    """Count of the queued and pending comments (an index-only count), and the creation time
    of the oldest of each: the first by id of each site, as ids grow with time (a `min()` of
    `created_at` read every row: 110 ms for 20,000 pending comments in bench/queue.py's data)."""
    counts = db.session.execute(
        select(Comment.status, func.count())
        .where(Comment.site_id.in_(site_ids), Comment.status.in_(WAITING))
        .group_by(Comment.status)
    )
    return {status: (count, oldest_of(site_ids, status)) for status, count in counts}


WAITING = (CommentStatus.QUEUED, CommentStatus.PENDING)


def oldest_of(site_ids: list[int], status: str) -> datetime | None:
    """When the oldest comment in `status` of the sites was created."""
    firsts = [
        db.session.scalar(
            select(Comment.created_at)
            .where(Comment.site_id == site_id, Comment.status == status)
            .order_by(Comment.id)
            .limit(1)
        )
        for site_id in site_ids
    ]
    return min((first for first in firsts if first is not None), default=None)


@dataclass(frozen=True)
class DecisionCount:
    """Decisions of one day, source and outcome; `first`: whether they were the comments'
    first decision (from `queued` or `pending`)."""

    day: date
    source: str
    to_status: str
    first: bool
    count: int


def count_decisions(site_ids: list[int], since: datetime) -> list[DecisionCount]:
    """Approvals, rejections and holds per day, source and whether first: one read of the
    period's events, for both the decisions by source and the spam rate."""
    day = day_of(EVENT.created_at)
    first = EVENT.from_status.in_(WAITING)
    rows = db.session.execute(
        select(day, EVENT.actor_kind, EVENT.to_status, first, func.count())
        .join(Comment, Comment.id == EVENT.comment_id)
        .where(
            in_period(site_ids, since),
            is_not(EVENT.reason, UNDO),
            is_not(EVENT.reason, RESCORED),
            or_(
                EVENT.to_status.in_(CommentStatus.FINAL),
                and_(
                    EVENT.from_status == CommentStatus.QUEUED,
                    EVENT.to_status == CommentStatus.PENDING,
                ),
            ),
        )
        .group_by(day, EVENT.actor_kind, EVENT.to_status, first)
    )
    return [DecisionCount(as_day(d), source, to, bool(f), n) for d, source, to, f, n in rows]


def decisions_by_source(counted: list[DecisionCount]) -> list[SourceDay]:
    """Approvals, rejections and holds per day and source."""
    cells: dict[tuple[date, str], dict[str, int]] = {}
    for row in counted:
        cell = cells.setdefault((row.day, row.source), {})
        outcome = OUTCOME[row.to_status]
        cell[outcome] = cell.get(outcome, 0) + row.count
    return [SourceDay(day, source, **counts) for (day, source), counts in sorted(cells.items())]


OUTCOME = {
    CommentStatus.APPROVED: "approved",
    CommentStatus.REJECTED: "rejected",
    CommentStatus.PENDING: "held",
}


def spam_by_day(counted: list[DecisionCount]) -> list[SpamDay]:
    """First decisions per day, approved and rejected."""
    cells: dict[date, dict[str, int]] = {}
    for row in counted:
        if row.first and row.to_status in CommentStatus.FINAL:
            cell = cells.setdefault(row.day, {})
            outcome = OUTCOME[row.to_status]
            cell[outcome] = cell.get(outcome, 0) + row.count
    return [SpamDay(day, **counts) for day, counts in sorted(cells.items())]


def accuracy_by_day(site_ids: list[int], since: datetime) -> list[AccuracyDay]:
    """Moderators' verdicts on the classifier's decisions, per day and classifier version.

    Each event is read beside the one before it and the one after it on the same comment
    (window functions, on both PostgreSQL and SQLite), among the comments that a moderator
    touched in the period.
    """
    touched = (
        select(EVENT.comment_id)
        .join(Comment, Comment.id == EVENT.comment_id)
        .where(in_period(site_ids, since), EVENT.actor_kind == ActorKind.MODERATOR)
    )
    window: dict[str, Any] = {"partition_by": EVENT.comment_id, "order_by": EVENT.id}
    events = (
        select(
            EVENT.created_at,
            EVENT.actor_kind,
            EVENT.from_status,
            EVENT.to_status,
            EVENT.reason,
            EVENT.classifier_version,
            func.lag(EVENT.actor_kind).over(**window).label("previous_kind"),
            func.lead(EVENT.reason).over(**window).label("next_reason"),
        )  # fmt: skip
        .where(EVENT.comment_id.in_(touched), is_not(EVENT.reason, RESCORED))
        .subquery()
    )
    day = day_of(events.c.created_at)
    rows = db.session.execute(
        select(
            day,
            events.c.classifier_version,
            events.c.from_status,
            events.c.to_status,
            func.count(),
        )  # fmt: skip
        .where(
            events.c.created_at >= since,
            events.c.actor_kind == ActorKind.MODERATOR,
            events.c.previous_kind == ActorKind.CLASSIFIER,
            is_not(events.c.reason, UNDO),
            is_not(events.c.next_reason, UNDO),
            events.c.from_status.in_(CommentStatus.FINAL),
            events.c.to_status.in_(CommentStatus.FINAL),
        )
        .group_by(day, events.c.classifier_version, events.c.from_status, events.c.to_status)
    )
    cells: dict[tuple[date, str | None], dict[str, int]] = {}
    for row_day, version, from_status, to_status, count in rows:
        cell = cells.setdefault((as_day(row_day), version), {})
        verdict = verdict_of(from_status, to_status)
        cell[verdict] = cell.get(verdict, 0) + count
    return [
        AccuracyDay(day, version, **counts)
        for (day, version), counts in sorted(
            cells.items(), key=lambda item: (item[0][0], item[0][1] or "")
        )
    ]


def verdict_of(from_status: str, to_status: str) -> str:
    """What a moderator's decision says of the classifier's."""
    if from_status == to_status:
        return "confirmed"
    return "missed_spam" if to_status == CommentStatus.REJECTED else "false_positives"


def in_period(site_ids: list[int], since: datetime) -> ColumnElement[bool]:
    """Events of the sites' comments since `since`."""
    return and_(Comment.site_id.in_(site_ids), EVENT.created_at >= since)


def is_not(column: Any, value: str) -> ColumnElement[bool]:
    """`column` is NULL or another value (SQL's `<>` is never true for NULL)."""
    return or_(column.is_(None), column != value)


def day_of(column: Any) -> Any:
    """The UTC day of a timestamp: `date()` exists on PostgreSQL and SQLite alike (a date on
    one, text on the other: `as_day` reads both)."""
    return func.date(column)


def as_day(value: Any) -> date:
    """A day as either database returns it."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
