"""Keyset pagination over comments in the three orders the API offers.

A page of one site's comments is one ordered, limited query that an index walks in order.
A page across several sites is the union of one such query per site, merged by an outer
ORDER BY ... LIMIT: a btree cannot return `site_id IN (...)` in `id` or score order, so
PostgreSQL would otherwise read and sort every matching row (bench/queue.py).
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, select, union_all

from models import INTEGER_MAX, Comment, Site, queue_score
from service.database import read_rows
from service.extensions import db
from service.moderation.review.filters import QueueFilter, filter_values, parameterised_conditions
from service.pagination import Page, decode_cursor, encode_cursor, invalid_cursor

COMMENTS, SITES = Comment.__table__, Site.__table__
# A page is read as plain rows (every comment column and the site's slug), not ORM objects:
# building 51 Comment instances with their joined Site cost more than the query (bench/queue.py).
ROW_COLUMNS = (*COMMENTS.c, SITES.c.slug.label("site_slug"))
ROW_KEYS = tuple(column.key for column in ROW_COLUMNS)
# Statements of the review queue kept per process, one per shape of request (see
# `queue_statement`); a moderator of many sites makes one shape per number of sites.
QUEUE_STATEMENTS = 256


@dataclass(frozen=True)
class Ordering:
    """How to sort by (score, id) columns, read an item's key, and continue after a key.

    `after` gives what follows a key as disjoint ranges, in order, each one an index can
    start at and walk without filtering; a page after a cursor is the union of their pages.
    """

    order_by: Callable[[Any, Any], tuple[Any, ...]]  # (score, id) columns
    key_of: Callable[[Any], list[Any]]  # of a page row
    after: Callable[[list[Any]], list[ColumnElement[bool]]]
    key_types: tuple[type, ...]


def after_score(key: list[Any]) -> list[ColumnElement[bool]]:
    """Strictly after (score, id) in score order: the rest of the key's score (a larger id),
    then the lower scores.

    As one condition, `score <= k AND (score < k OR id > k_id)`, the index walk started at the
    score but read every comment of that score before the cursor and dropped it: scores have 3
    decimals, so among hundreds of thousands of comments one score is shared by a thousand and
    more, and a cursor deep into them read most of those rows to return a page (the benchmarks
    page of the docs has the figures). The score order mixes directions (score descending, id
    ascending), so a row comparison `(score, id) < (k, k_id)` cannot serve it either.
    """
    score = queue_score(COMMENTS.c)
    return [and_(score == key[0], COMMENTS.c.id > key[1]), score < key[0]]


# What each kind of key value may hold: an id fits the integer column, a score is in [-1, 1]
# (-1 stands for "not scored yet"). Out of range, a query would overflow (PostgreSQL integer,
# SQLite INTEGER) or Python's int() would fail (inf, NaN), so a forged cursor is a 422.
KEY_RANGES: dict[type, tuple[float, float]] = {int: (0, INTEGER_MAX), float: (-1.0, 1.0)}


ORDERINGS = {
    "oldest": Ordering(
        lambda _, id_: (id_.asc(),), lambda c: [c.id], lambda k: [COMMENTS.c.id > k[0]], (int,)
    ),
    "newest": Ordering(
        lambda _, id_: (id_.desc(),), lambda c: [c.id], lambda k: [COMMENTS.c.id < k[0]], (int,)
    ),
    "score": Ordering(
        lambda score, id_: (score.desc(), id_.asc()),
        lambda c: [c.spam_score if c.spam_score is not None else -1.0, c.id],
        after_score,
        (float, int),
    ),
}


def paginate_filtered(
    site_ids: Sequence[int], queue_filter: QueueFilter, order: str, limit: int, cursor: str | None
) -> Page:
    """One page of the comments of `site_ids` matching `queue_filter`, in `order`.

    The review queue's listing: the statement comes from `queue_statement`, built once per
    process for each shape of request, and only the values change (bound parameters). Building
    the statement afresh and letting SQLAlchemy find its compiled form in its cache cost about
    0.5 ms a request, as much as reading the page's 51 rows.
    """
    if not site_ids:  # a moderator whose sites were all deleted
        return Page(items=[], next_cursor=None)
    ordering = ORDERINGS[order]
    key = cursor_key(cursor, order, ordering) if cursor else None
    values = filter_values(queue_filter)
    statement = queue_statement(tuple(values), len(site_ids), order, key is not None)
    parameters = values | {f"site_{number}": site for number, site in enumerate(site_ids)}
    parameters |= {f"key_{number}": value for number, value in enumerate(key or ())}
    rows = read_rows(statement, parameters | {"limit": limit + 1})
    return page_of(rows, order, ordering, limit)


@functools.lru_cache(maxsize=QUEUE_STATEMENTS)
def queue_statement(names: tuple[str, ...], sites: int, order: str, after: bool) -> Select[Any]:
    """The page statement for a filter with these `filter_values` names, over `sites` sites,
    in `order`, after a cursor's key or not; every value is a bound parameter (site_N,
    the filter's names, key_N, limit)."""
    ordering = ORDERINGS[order]
    key: list[Any] = [bindparam(f"key_{number}") for number in range(len(ordering.key_types))]
    parts = [
        part
        for number in range(sites)
        for part in limited(
            select(COMMENTS).where(*parameterised_conditions(bindparam(f"site_{number}"), names)),
            ordering, key if after else None, bindparam("limit"),
        )
    ]  # fmt: skip
    statement = parts[0] if len(parts) == 1 else merged(parts, ordering, bindparam("limit"))
    return as_rows(statement)


def page_of(rows: Sequence[Any], order: str, ordering: Ordering, limit: int) -> Page:
    """The first `limit` rows, and the cursor after them if there are more."""
    items = list(rows[:limit])
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(order, ordering.key_of(items[-1]))
    return Page(items=items, next_cursor=next_cursor, columns=ROW_KEYS)


def paginate(query: Select[Any], order: str, limit: int, cursor: str | None) -> Page:
    """One page of `query` in `order`, continuing after `cursor`."""
    return paginate_merged([query], order, limit, cursor)


def paginate_merged(
    queries: Sequence[Select[Any]], order: str, limit: int, cursor: str | None
) -> Page:
    """One page of the union of `queries` (disjoint sets of comments) in `order`."""
    ordering = ORDERINGS[order]
    key = cursor_key(cursor, order, ordering) if cursor else None
    parts = [part for query in queries for part in limited(query, ordering, key, limit + 1)]
    if not parts:  # a moderator whose sites were all deleted
        return Page(items=[], next_cursor=None)
    statement = parts[0] if len(parts) == 1 else merged(parts, ordering, limit + 1)
    rows = db.session.execute(as_rows(statement)).all()
    return page_of(rows, order, ordering, limit)


def as_rows(statement: Select[Any]) -> Select[Any]:
    """`statement`, selecting the columns of ROW_COLUMNS."""
    return statement.with_only_columns(*ROW_COLUMNS).join(SITES, SITES.c.id == COMMENTS.c.site_id)


def limited(
    query: Select[Any], ordering: Ordering, key: list[Any] | None, limit: Any
) -> list[Select[Any]]:
    """`query` after `key`, in order, at most `limit` rows (a number or a bound parameter):
    one statement per range of `ordering.after`, or `query` itself without a key."""
    ranges = ordering.after(key) if key is not None else [None]
    order_by = ordering.order_by(queue_score(COMMENTS.c), COMMENTS.c.id)
    return [
        (query if after is None else query.where(after)).order_by(*order_by).limit(limit)
        for after in ranges
    ]


def merged(parts: list[Select[Any]], ordering: Ordering, limit: Any) -> Select[Any]:
    """The first `limit` comments of the parts together, in order.

    The union carries only the sort keys, and the comments are joined to it by id: reading
    the entity from the union through `aliased(Comment, union)` made SQLAlchemy adapt its
    columns through every part on each request, which cost more than the query itself.
    Each part is wrapped in a subquery because SQLite rejects ORDER BY/LIMIT on a bare member
    of a UNION.
    """
    keys = union_all(
        *(
            select(
                part.with_only_columns(
                    COMMENTS.c.id, queue_score(COMMENTS.c).label("score")
                ).subquery()
            )
            for part in parts
        )
    ).subquery()
    return (
        select(COMMENTS)
        .join(keys, COMMENTS.c.id == keys.c.id)
        .order_by(*ordering.order_by(keys.c.score, keys.c.id))
        .limit(limit)
    )


def cursor_key(cursor: str, order: str, ordering: Ordering) -> list[Any]:
    """The decoded key, checked for shape and range so that a forged cursor is a 422, not a 500."""
    key = decode_cursor(cursor, order)
    if len(key) != len(ordering.key_types) or not all(
        valid_key_value(kind, value) for kind, value in zip(ordering.key_types, key, strict=False)
    ):
        raise invalid_cursor()
    return [kind(value) for kind, value in zip(ordering.key_types, key, strict=True)]


def valid_key_value(kind: type, value: Any) -> bool:
    """Whether `value` is a number of `kind` (an int for an id) within its range.

    Comparing before converting: `float(10**400)` and `int(float("inf"))` would raise.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if kind is int and not isinstance(value, int):
        return False
    low, high = KEY_RANGES[kind]
    return low <= value <= high  # False for NaN
