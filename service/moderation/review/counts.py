"""How many comments match the review queue's filters, per status, at a bounded cost.

Counting stops at a cap per status: an exact count of 700,000 approved comments would walk as
many index entries on every page view, and "10,000+" says as much to a moderator. The decided
statuses (approved, rejected) are the archive and stop sooner, at DECIDED_COUNT_CAP: what a
moderator needs exactly is how much waits for them, and walking 10,000 index entries for each
of the archive's statuses and sites was most of the cost of a count without a search.

A text search has no cheap exact count where many comments match: PostgreSQL reads a bitmap of
every match from the trigram index (for a common word, a large share of all comments), or
reads each comment of the status to test it. So a search counts the matches among the newest
SEARCH_WINDOW comments of each status, shared between the moderator's sites (at least
MIN_SITE_WINDOW each: a window of its own for every site made the cost grow with their
number). Testing a comment costs PostgreSQL a few microseconds (ILIKE lowercases the whole
text), so the window is what a search's count costs, and it is sized for several moderators
searching at once on a small host (bench/queue.py measures it; the docs' benchmarks page has
the figures). When the status has no more comments than its window the
count is exact; otherwise it is a lower bound ("at least"), except when nothing in the window
matches: then the term is rare, which is when the trigram index answers quickly, and
the comments are counted over all of them.

Every count of a phase (the capped counts, the windows, the rare terms) is one statement: a
UNION ALL of one small query per site and status, or for the rare terms one grouped query,
so that the trigram index is read once, not once per site and status. As a query each, the
counts of a moderator of three sites took twelve round trips and twelve trigram index scans.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    bindparam,
    case,
    func,
    literal_column,
    select,
    tuple_,
    union_all,
)

from models import CommentStatus
from service.accounts.auth import ModeratorRef
from service.database import read_rows
from service.moderation.review.filters import (
    COMMENTS,
    CONDITIONS,
    QueueFilter,
    filter_site_ids,
    filter_values,
    is_author_address,
    parameterised_conditions,
    search_value,
)

COUNT_CAP = 10_000
DECIDED_COUNT_CAP = 1_000  # approved and rejected; a count this high is "at least"
SEARCH_COUNT_CAP = 1_000
SEARCH_WINDOW = 250
MIN_SITE_WINDOW = 50
# Parts of one UNION ALL at most: SQLite refuses more than 500, and a moderator of very many
# sites is better served by a few statements than by one PostgreSQL takes long to plan.
PARTS_PER_STATEMENT = 100
AnySelect = Select[*tuple[Any, ...]]  # of any columns
Statement = AnySelect | CompoundSelect
COUNT_STATEMENTS = 64  # shapes kept per process, for each of the two kinds of statement

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
    """Matches of each site and status, each up to `cap` (a decided status's lower cap)."""
    values = filter_values(queue_filter.with_status(None))
    found: dict[Pair, Count] = {}
    for chunk in chunks(pairs):
        statement = capped_statement(tuple(values), len(chunk))
        caps = [status_cap(status, cap) for _, status in chunk]
        parameters = values | pair_values(chunk) | {f"cap_{n}": c for n, c in enumerate(caps)}
        rows = cast(Sequence[tuple[int, int]], read_rows(statement, parameters))
        for index, count in rows:  # a count at its own lower cap is only "at least"
            stopped = caps[index] < cap and int(count) >= caps[index]
            found[chunk[index]] = Count(int(count), at_least=stopped)
    return found


def status_cap(status: str, cap: int) -> int:
    """Where counting `status` stops: the decided statuses at DECIDED_COUNT_CAP at most."""
    return min(cap, DECIDED_COUNT_CAP) if status in CommentStatus.FINAL else cap


def count_searched(
    pairs: Sequence[Pair], queue_filter: QueueFilter, search: str, cap: int
) -> dict[Pair, Count]:
    """Matches of a text search in each site and status: from the newest comments (the
    window), or over all of them where none of those matches."""
    if not pairs:  # a moderator whose sites were all deleted
        return {}
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
    values = filter_values(replace(queue_filter, search=None, status=None))
    test, term = search_value(search)
    found: dict[Pair, tuple[int, int]] = {}
    for chunk in chunks(pairs):
        statement = windows_statement(tuple(values), test, len(chunk))
        parameters = values | pair_values(chunk) | {test: term, "window": size}
        rows = cast(Sequence[tuple[int, int, int]], read_rows(statement, parameters))
        found |= {chunk[index]: (int(hits), int(seen)) for index, hits, seen in rows}
    return found


def chunks(pairs: Sequence[Pair]) -> Iterator[Sequence[Pair]]:
    """`pairs` in runs of at most PARTS_PER_STATEMENT, one statement each."""
    for start in range(0, len(pairs), PARTS_PER_STATEMENT):
        yield pairs[start : start + PARTS_PER_STATEMENT]


def pair_values(chunk: Sequence[Pair]) -> dict[str, Any]:
    """The parameters naming each part's site and status (site_N, status_N)."""
    values: dict[str, Any] = {}
    for number, (site_id, status) in enumerate(chunk):
        values[f"site_{number}"], values[f"status_{number}"] = site_id, status
    return values


def pair_conditions(number: int, names: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """Part `number`'s conditions: its site and status, and the filter's (by name)."""
    status: ColumnElement[str] = bindparam(f"status_{number}")
    return [
        COMMENTS.status == status,
        *parameterised_conditions(bindparam(f"site_{number}"), names),
    ]


# The counting statements are built once per shape (the filter's names, how many parts) with
# every value a bound parameter, as the listing's are (listing.queue_statement): building a
# union of twelve parts afresh, and having SQLAlchemy find its compiled form, cost more CPU
# than PostgreSQL spent on the counts (bench.queue_profile).
@lru_cache(maxsize=COUNT_STATEMENTS)
def capped_statement(names: tuple[str, ...], parts: int) -> Statement:
    """Per part (site_N, status_N), how many comments match, up to its cap (cap_N)."""
    statements: list[AnySelect] = [
        select(literal_column(str(number), Integer), func.count()).select_from(
            select(COMMENTS.id)
            .where(*pair_conditions(number, names))
            .limit(bindparam(f"cap_{number}"))
            .subquery()
        )
        for number in range(parts)
    ]
    return union_of(statements)


@lru_cache(maxsize=COUNT_STATEMENTS)
def windows_statement(names: tuple[str, ...], test: str, parts: int) -> Statement:
    """Per part (site_N, status_N), how many of its newest `window` comments pass the search
    (the condition `test`, its term a parameter of that name), and how many it held."""
    statements: list[AnySelect] = []
    for number in range(parts):
        window = (
            select(CONDITIONS[test](bindparam(test)).label("hit"))
            .where(*pair_conditions(number, names))
            .order_by(COMMENTS.id.desc())
            .limit(bindparam("window"))
            .subquery()
        )
        hits = func.coalesce(func.sum(case((window.c.hit, 1), else_=0)), 0)
        statements.append(
            select(literal_column(str(number), Integer), hits, func.count()).select_from(window)
        )
    return union_of(statements)


def union_of(statements: list[AnySelect]) -> Statement:
    """The statements' rows together (one statement as it is)."""
    return statements[0] if len(statements) == 1 else union_all(*statements)


def count_rare(pairs: Sequence[Pair], queue_filter: QueueFilter, cap: int) -> dict[Pair, Count]:
    """Matches of a term none of the windows holds, over all the comments of these sites and
    statuses, in one grouped query per chunk of them. Each reads at most `cap` matches per
    pair in all; should they run out (a term common only in older comments), every count of
    the chunk is a lower bound."""
    values = filter_values(queue_filter.with_status(None))
    found: dict[Pair, Count] = {}
    for chunk in chunks(pairs):
        budget = cap * len(chunk)
        statement = rare_statement(tuple(values), len(chunk))
        parameters = values | pair_values(chunk) | {"budget": budget}
        rows = cast(Sequence[tuple[int, str, int]], read_rows(statement, parameters))
        counts: dict[Pair, int] = defaultdict(int)
        for site_id, status, count in rows:
            counts[(site_id, status)] = int(count)
        exhausted = sum(counts.values()) >= budget
        found |= {pair: Count(min(counts[pair], cap), at_least=exhausted) for pair in chunk}
    return found


@lru_cache(maxsize=COUNT_STATEMENTS)
def rare_statement(names: tuple[str, ...], parts: int) -> AnySelect:
    """Per site and status of the parts (site_N, status_N), how many comments match, reading
    at most `budget` matches in all: one scan of the trigram index for every part."""
    pairs = [
        tuple_(bindparam(f"site_{number}"), bindparam(f"status_{number}"))
        for number in range(parts)
    ]
    matching = (
        select(COMMENTS.site_id, COMMENTS.status)
        .where(
            tuple_(COMMENTS.site_id, COMMENTS.status).in_(pairs),
            *(CONDITIONS[name](bindparam(name)) for name in names),
        )
        .limit(bindparam("budget"))
        .subquery()
    )
    return select(matching.c.site_id, matching.c.status, func.count()).group_by(
        matching.c.site_id, matching.c.status
    )
