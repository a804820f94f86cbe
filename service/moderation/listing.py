"""Keyset pagination over comments in the three orders the API offers."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_

from models import INTEGER_MAX, Comment
from models import QUEUE_SCORE as SCORE
from service.extensions import db
from service.pagination import Page, decode_cursor, encode_cursor, invalid_cursor


@dataclass(frozen=True)
class Ordering:
    """How to sort, how to read an item's sort key, and how to continue after a key."""

    order_by: tuple[Any, ...]
    key_of: Callable[[Comment], list[Any]]
    after: Callable[[list[Any]], ColumnElement[bool]]
    key_types: tuple[type, ...]


# What each kind of key value may hold: an id fits the integer column, a score is in [-1, 1]
# (-1 stands for "not scored yet"). Out of range, a query would overflow (PostgreSQL integer,
# SQLite INTEGER) or Python's int() would fail (inf, NaN), so a forged cursor is a 422.
KEY_RANGES: dict[type, tuple[float, float]] = {int: (0, INTEGER_MAX), float: (-1.0, 1.0)}


ORDERINGS = {
    "oldest": Ordering((Comment.id.asc(),), lambda c: [c.id], lambda k: Comment.id > k[0], (int,)),
    "newest": Ordering((Comment.id.desc(),), lambda c: [c.id], lambda k: Comment.id < k[0], (int,)),
    "score": Ordering(
        (SCORE.desc(), Comment.id.asc()),
        lambda c: [c.spam_score if c.spam_score is not None else -1.0, c.id],
        lambda k: or_(k[0] > SCORE, and_(k[0] == SCORE, Comment.id > k[1])),
        (float, int),
    ),
}


def paginate(query: Select[Any], order: str, limit: int, cursor: str | None) -> Page:
    """One page of `query` in `order`, continuing after `cursor`."""
    ordering = ORDERINGS[order]
    if cursor:
        query = query.where(ordering.after(cursor_key(cursor, order, ordering)))
    rows = list(db.session.scalars(query.order_by(*ordering.order_by).limit(limit + 1)))
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(order, ordering.key_of(items[-1]))
    return Page(items=items, next_cursor=next_cursor)


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
