"""How many comments match the review queue's filters, per status, at a bounded cost.

Counting stops at a cap per status: an exact count of 700,000 approved comments would walk as
many index entries on every page view, and "10,000+" says as much to a moderator.

A text search has no cheap exact count where many comments match: PostgreSQL reads a bitmap of
every match from the trigram index (a sixth of a million comments for a common word in
bench/queue.py: 50-85 ms per status at rest, seconds under load), or reads each comment of the
status to test it. So a search counts the matches among the newest SEARCH_WINDOW comments of
each status and site (a walk of bounded length). When the status has no more comments than that
the count is exact; otherwise it is a lower bound ("at least"), except when nothing in the
window matches: then the term is rare, which is when the trigram index answers quickly, and
the comments are counted over all of them.
"""

from dataclasses import dataclass, replace

from sqlalchemy import case, func, select

from models import Comment, CommentStatus
from service.accounts.auth import ModeratorRef
from service.extensions import db
from service.moderation.filters import (
    QueueFilter,
    conditions,
    filter_site_ids,
    is_author_address,
    matches_text,
)

COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000
SEARCH_WINDOW = 1_000


@dataclass(frozen=True)
class Count:
    """A count, and whether it is only a lower bound."""

    value: int
    at_least: bool = False


@dataclass(frozen=True)
class StatusCounts:
    """Comments matching a filter, per status; a count equal to `cap`, or of a status in
    `at_least`, is a lower bound."""

    counts: dict[str, int]
    cap: int = COUNT_CAP
    at_least: frozenset[str] = frozenset()

    def is_capped(self, status: str) -> bool:
        """Whether the count of `status` is a lower bound ("N+")."""
        return status in self.at_least or self.counts.get(status, 0) >= self.cap


def count_by_status(
    moderator: ModeratorRef, queue_filter: QueueFilter, cap: int | None = None
) -> StatusCounts:
    """How many comments match the filter in each status (its own `status` ignored), each
    count stopping at `cap` (COUNT_CAP, or SEARCH_COUNT_CAP with a text search)."""
    if cap is None:
        cap = SEARCH_COUNT_CAP if queue_filter.search else COUNT_CAP
    site_ids = filter_site_ids(moderator, queue_filter.site)
    counts, at_least = {}, set()
    for status in CommentStatus.ALL:
        per_status = queue_filter.with_status(status)
        total = 0
        for site_id in site_ids:
            count = count_in_site(site_id, per_status, cap - total)
            total += count.value
            if count.at_least:
                at_least.add(status)
            if total >= cap:
                break
        counts[status] = total
    return StatusCounts(counts, cap, frozenset(at_least))


def count_in_site(site_id: int, queue_filter: QueueFilter, cap: int) -> Count:
    """Matches of one status in one site, up to `cap`."""
    search = queue_filter.search
    if search and not is_author_address(search):
        in_window = count_in_window(site_id, queue_filter, search, cap)
        if in_window is not None:
            return in_window
    limited = select(Comment.id).where(*conditions(site_id, queue_filter)).limit(cap)
    return Count(db.session.scalar(select(func.count()).select_from(limited.subquery())) or 0)


def count_in_window(site_id: int, queue_filter: QueueFilter, search: str, cap: int) -> Count | None:
    """The matches among the newest SEARCH_WINDOW comments that pass the other filters: exact
    when that is all of them, else a lower bound; None when none of them matches."""
    others = replace(queue_filter, search=None)
    window = (
        select(matches_text(search).label("hit"))
        .where(*conditions(site_id, others))
        .order_by(Comment.id.desc())
        .limit(SEARCH_WINDOW)
        .subquery()
    )
    hits, seen = db.session.execute(
        select(func.coalesce(func.sum(case((window.c.hit, 1), else_=0)), 0), func.count())
    ).one()
    if seen < SEARCH_WINDOW or hits >= cap:
        return Count(min(int(hits), cap))
    return Count(int(hits), at_least=True) if hits else None
