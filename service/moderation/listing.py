"""Keyset pagination over comments in the three orders the API offers.

A page of one site's comments is one ordered, limited query that an index walks in order.
A page across several sites is the union of one such query per site, merged by an outer
ORDER BY ... LIMIT: a btree cannot return `site_id IN (...)` in `id` or score order, so
PostgreSQL would otherwise read and sort every matching row (bench/queue.py).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union_all

from models import INTEGER_MAX, Comment, Site
from service.extensions import db
from service.pagination import Page, decode_cursor, encode_cursor, invalid_cursor

# A page is read as plain rows (every comment column and the site's slug), not ORM objects:
# building 51 Comment instances with their joined Site cost more than the query (bench/queue.py).
ROW_COLUMNS = (*Comment.__table__.c, Site.slug.label("site_slug"))


def queue_score(entity: Any) -> ColumnElement[float]:
    """The score order's key of `Comment` (models.QUEUE_SCORE, indexed)."""
    return func.coalesce(entity.spam_score, -1.0)


@dataclass(frozen=True)
class Ordering:
    """How to sort by (score, id) columns, read an item's key, and continue after a key."""

    order_by: Callable[[Any, Any], tuple[Any, ...]]  # (score, id) columns
    key_of: Callable[[Any], list[Any]]  # of a page row
    after: Callable[[list[Any]], ColumnElement[bool]]
    key_types: tuple[type, ...]


def after_score(key: list[Any]) -> ColumnElement[bool]:
    """Strictly after (score, id) in score order.

    The leading `score <= k` is implied by the rest; it is there so that PostgreSQL starts
    the index scan at the cursor instead of filtering every row before it.
    """
    score = queue_score(Comment)
    return and_(score <= key[0], or_(score < key[0], Comment.id > key[1]))


# What each kind of key value may hold: an id fits the integer column, a score is in [-1, 1]
# (-1 stands for "not scored yet"). Out of range, a query would overflow (PostgreSQL integer,
# SQLite INTEGER) or Python's int() would fail (inf, NaN), so a forged cursor is a 422.
KEY_RANGES: dict[type, tuple[float, float]] = {int: (0, INTEGER_MAX), float: (-1.0, 1.0)}


ORDERINGS = {
    "oldest": Ordering(
        lambda _, id_: (id_.asc(),), lambda c: [c.id], lambda k: Comment.id > k[0], (int,)
    ),
    "newest": Ordering(
        lambda _, id_: (id_.desc(),), lambda c: [c.id], lambda k: Comment.id < k[0], (int,)
    ),
    "score": Ordering(
        lambda score, id_: (score.desc(), id_.asc()),
        lambda c: [c.spam_score if c.spam_score is not None else -1.0, c.id],
        after_score,
        (float, int),
    ),
}


def paginate(query: Select[Any], order: str, limit: int, cursor: str | None) -> Page:
    """One page of `query` in `order`, continuing after `cursor`."""
    return paginate_merged([query], order, limit, cursor)


def paginate_merged(
    queries: Sequence[Select[Any]], order: str, limit: int, cursor: str | None
) -> Page:
    """One page of the union of `queries` (disjoint sets of comments) in `order`."""
    ordering = ORDERINGS[order]
    key = cursor_key(cursor, order, ordering) if cursor else None
    parts = [limited(query, ordering, key, limit + 1) for query in queries]
    if not parts:  # a moderator whose sites were all deleted
        return Page(items=[], next_cursor=None)
    statement = parts[0] if len(parts) == 1 else merged(parts, ordering, limit + 1)
    rows = list(db.session.execute(as_rows(statement)))
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(order, ordering.key_of(items[-1]))
    return Page(items=items, next_cursor=next_cursor)


def as_rows(statement: Select[Any]) -> Select[Any]:
    """`statement`, selecting the columns of ROW_COLUMNS."""
    return statement.with_only_columns(*ROW_COLUMNS).join(Site, Site.id == Comment.site_id)


def limited(
    query: Select[Any], ordering: Ordering, key: list[Any] | None, limit: int
) -> Select[Any]:
    """`query` after `key`, in order, at most `limit` rows."""
    if key is not None:
        query = query.where(ordering.after(key))
    return query.order_by(*ordering.order_by(queue_score(Comment), Comment.id)).limit(limit)


def merged(parts: list[Select[Any]], ordering: Ordering, limit: int) -> Select[Any]:
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
                part.with_only_columns(Comment.id, queue_score(Comment).label("score")).subquery()
            )
            for part in parts
        )
    ).subquery()
    return (
        select(Comment)
        .join(keys, Comment.id == keys.c.id)
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
