"""How many comments match the review queue's filters, per status, at a bounded cost.

Counting stops at a cap per status: an exact count of 700,000 approved comments would walk as
many index entries on every page view, and "10,000+" says as much to a moderator.

A text search has no cheap exact count where many comments match: PostgreSQL reads a bitmap of
every match from the trigram index (a sixth of a million comments for a common word in
bench/queue.py: 50-85 ms per status at rest, seconds under load), or reads each comment of the
status to test it. So a search counts the matches among the newest SEARCH_WINDOW comments of
each status, shared between the moderator's sites (at least MIN_SITE_WINDOW each: a window of
its own for every site made the cost grow with their number, 2-8 ms of PostgreSQL CPU per site
and status at 1,000,000 comments). When the status has no more comments than its window the
count is exact; otherwise it is a lower bound ("at least"), except when nothing in the window
matches: then the term is rare, which is when the trigram index answers quickly, and
the comments are counted over all of them.

Every count of a phase (the capped counts, the windows, the rare terms) is one statement: a
UNION ALL of one small query per site and status, or for the rare terms one grouped query,
so that the trigram index is read once, not once per site and status. As a query each, the
counts of a moderator of three sites took twelve round trips and twelve trigram index scans
(bench/queue.py: p99 up to 457 ms, 23 ms of web and 43 ms of PostgreSQL CPU a request).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import cast

from sqlalchemy import Select, case, func, literal, select, tuple_, union_all

from models import CommentStatus
from service.accounts.auth import ModeratorRef
from service.database import read_rows
from service.moderation.filters import (
    COMMENTS,
    QueueFilter,
    conditions,
    filter_site_ids,
    is_author_address,
    matches_text,
    site_free_conditions,
)

COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000
SEARCH_WINDOW = 1_000
MIN_SITE_WINDOW = 100
# Parts of one UNION ALL at most: SQLite refuses more than 500, and a moderator of very many
# sites is better served by a few statements than by one PostgreSQL takes long to plan.
PARTS_PER_STATEMENT = 100

Pair = tuple[int, str]  # a site id and a status


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
    pairs = [(site_id, status) for status in CommentStatus.ALL for site_id in site_ids]
    search = queue_filter.search
    if search and not is_author_address(search):
        found = count_searched(pairs, queue_filter, search, cap)
    else:
        found = count_capped(pairs, queue_filter, cap)
    counts, at_least = dict.fromkeys(CommentStatus.ALL, 0), set()
    for (_, status), count in found.items():
        counts[status] += count.value
        if count.at_least:
            at_least.add(status)
    capped = {status: min(total, cap) for status, total in counts.items()}
    return StatusCounts(capped, cap, frozenset(at_least))


def count_capped(pairs: Sequence[Pair], queue_filter: QueueFilter, cap: int) -> dict[Pair, Count]:
    """Matches of each site and status, each up to `cap`."""
    parts = [
        select(literal(index), func.count()).select_from(
            select(COMMENTS.id)
            .where(*conditions(site_id, queue_filter.with_status(status)))
            .limit(cap)
            .subquery()
        )
        for index, (site_id, status) in enumerate(pairs)
    ]
    return {pairs[index]: Count(int(count)) for index, count in union_rows(parts)}


def count_searched(
    pairs: Sequence[Pair], queue_filter: QueueFilter, search: str, cap: int
) -> dict[Pair, Count]:
    """Matches of a text search in each site and status: from the newest comments (the
    window), or over all of them where none of those matches."""
    sites = len({site_id for site_id, _ in pairs})
    window = max(SEARCH_WINDOW // sites, min(MIN_SITE_WINDOW, SEARCH_WINDOW))
    found, rare = {}, []
    for pair, (hits, seen) in search_windows(pairs, queue_filter, search, window).items():
        if seen < window or hits >= cap:
            found[pair] = Count(min(hits, cap))  # the window held them all, or enough
        elif hits:
            found[pair] = Count(hits, at_least=True)
        else:
            rare.append(pair)
    if rare:
        found |= count_rare(rare, queue_filter, cap)
    return found


def search_windows(
    pairs: Sequence[Pair], queue_filter: QueueFilter, search: str, size: int
) -> dict[Pair, tuple[int, int]]:
    """Per site and status, the matches among the newest `size` comments that pass the other
    filters, and how many comments that window held."""
    others = replace(queue_filter, search=None)
    parts = []
    for index, (site_id, status) in enumerate(pairs):
        window = (
            select(matches_text(search).label("hit"))
            .where(*conditions(site_id, others.with_status(status)))
            .order_by(COMMENTS.id.desc())
            .limit(size)
            .subquery()
        )
        hits = func.coalesce(func.sum(case((window.c.hit, 1), else_=0)), 0)
        parts.append(select(literal(index), hits, func.count()).select_from(window))
    return {pairs[index]: (int(hits), int(seen)) for index, hits, seen in union_rows(parts)}


def count_rare(pairs: Sequence[Pair], queue_filter: QueueFilter, cap: int) -> dict[Pair, Count]:
    """Matches of a term none of the windows holds, over all the comments of these sites and
    statuses, in one grouped query. It reads at most `cap` matches per pair in all; should
    they run out (a term common only in older comments), every count is a lower bound."""
    budget = cap * len(pairs)
    matching = (
        select(COMMENTS.site_id, COMMENTS.status)
        .where(
            tuple_(COMMENTS.site_id, COMMENTS.status).in_(list(pairs)),
            *site_free_conditions(queue_filter.with_status(None)),
        )
        .limit(budget)
        .subquery()
    )
    grouped = select(matching.c.site_id, matching.c.status, func.count()).group_by(
        matching.c.site_id, matching.c.status
    )
    counts: dict[Pair, int] = defaultdict(int)
    rows = cast(Sequence[tuple[int, str, int]], read_rows(grouped, {}))
    for site_id, status, count in rows:
        counts[(site_id, status)] = int(count)
    exhausted = sum(counts.values()) >= budget
    return {pair: Count(min(counts[pair], cap), at_least=exhausted) for pair in pairs}


def union_rows(parts: Sequence[Select]) -> Iterable[tuple]:
    """The rows of every part, a UNION ALL of at most PARTS_PER_STATEMENT parts at a time."""
    for start in range(0, len(parts), PARTS_PER_STATEMENT):
        chunk = parts[start : start + PARTS_PER_STATEMENT]
        statement = chunk[0] if len(chunk) == 1 else union_all(*chunk)
        yield from read_rows(statement, {})
