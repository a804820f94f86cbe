"""Keyset pagination over comments in the three orders the API offers."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_

from models import QUEUE_SCORE as SCORE
from models import Comment
from service.errors import InvalidInput
from service.extensions import db
from service.pagination import Page, decode_cursor, encode_cursor


@dataclass(frozen=True)
class Ordering:
    """How to sort, how to read an item's sort key, and how to continue after a key."""

    order_by: tuple[Any, ...]
    key_of: Callable[[Comment], list[Any]]
    after: Callable[[list[Any]], ColumnElement[bool]]
    key_types: tuple[type, ...]


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
    """The decoded key, checked for shape so that a forged cursor is a 422, not a 500."""
    key = decode_cursor(cursor, order)
    if len(key) != len(ordering.key_types) or not all(
        isinstance(value, int | float) and not isinstance(value, bool) for value in key
    ):
        raise InvalidInput(fields={"cursor": "Invalid cursor for this listing."})
    return [kind(value) for kind, value in zip(ordering.key_types, key, strict=True)]
