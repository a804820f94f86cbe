"""The statements that store a new comment: its defaults, the INSERT built once, and the
INSERTs in a WITH that store a decided comment with its audit event and a row referring to it.

Shared by intake, which stores a comment as `queued`, and the gate, which stores a comment
already decided by a synchronous check (and decides when such a statement may be its own
transaction). Statements only: nothing here changes a stored comment.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, insert, select
from sqlalchemy.engine import Dialect

from models import Comment, CommentStatus, ModerationEvent
from service.database import driver_connection
from service.extensions import db

COMMENTS = cast(Table, Comment.__table__)  # Core tables: no ORM unit of work on the hot path
EVENTS = cast(Table, ModerationEvent.__table__)
# Every optional column is named, so each request reuses one compiled statement and passes
# only parameters (building `values()` per request cost more than the rest of the statement's
# Python work).
NEW_COMMENT_DEFAULTS: dict[str, Any] = {
    "article_url": None, "article_title": None, "parent_id": None, "author_email": None,
    "author_url": None, "author_ip": None, "user_agent": None, "referrer": None,
    "language": None, "status": CommentStatus.QUEUED, "version": 1, "requeue_count": 0,
}  # fmt: skip
INSERT_COMMENT = insert(COMMENTS).returning(COMMENTS.c.id)


@dataclass(frozen=True)
class DependentRow:
    """A row of another table that refers to a new comment by its `comment_id` column:
    `values` holds every other column; the gate fills in the id."""

    table: Table
    values: dict[str, Any]


def insert_in_session(row: dict[str, Any], event: dict[str, Any], dependent: DependentRow) -> int:
    """The comment `row`, its audit `event` and `dependent` in the session's transaction: one
    statement on PostgreSQL, one INSERT each on SQLite (no INSERT in a WITH). Returns the
    comment's id."""
    if db.engine.dialect.name == "postgresql":
        statement = insert_together(dependent.table, *together_keys(row, event, dependent))
        return int(db.session.execute(statement, together(row, event, dependent)).scalar_one())
    comment_id = int(db.session.execute(INSERT_COMMENT, row).scalar_one())
    db.session.execute(insert(EVENTS), [{**event, "comment_id": comment_id}])
    db.session.execute(insert(dependent.table), {**dependent.values, "comment_id": comment_id})
    return comment_id


def insert_alone(row: dict[str, Any], event: dict[str, Any], dependent: DependentRow) -> int:
    """The comment `row`, its audit `event` and `dependent` in one statement, in autocommit
    on a pooled connection of its own (the driver's: see `compile_together`): committed when
    this returns. Returns the comment's id."""
    engine = db.engine
    compiled = compile_together(
        dependent.table, engine.dialect, *together_keys(row, event, dependent)
    )
    parameters = together(row, event, dependent)
    for name, processor in compiled.processors:
        parameters[name] = processor(parameters[name])
    with driver_connection(engine, compiled.sql, parameters) as driver:
        driver.autocommit = True
        try:
            return int(driver.execute(compiled.sql, parameters).fetchone()[0])
        finally:
            if not driver.closed:  # a connection the server closed is discarded anyway
                driver.autocommit = False


def together_keys(
    row: dict[str, Any], event: dict[str, Any], dependent: DependentRow
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The columns of the three rows, in the order `insert_together` takes them."""
    return tuple(sorted(row)), tuple(sorted(event)), tuple(sorted(dependent.values))


def together(row: dict[str, Any], event: dict[str, Any], dependent: DependentRow) -> dict[str, Any]:
    """The parameters of `insert_together` for the three rows."""
    return {
        **{f"c_{key}": value for key, value in row.items()},
        **{f"e_{key}": value for key, value in event.items()},
        **{f"d_{key}": value for key, value in dependent.values.items()},
    }


@dataclass(frozen=True)
class DriverStatement:
    """A statement as the database driver takes it, and the processors of its parameters."""

    sql: str
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]


@lru_cache(maxsize=8)
def compile_together(
    table: Table,
    dialect: Dialect,
    comment_keys: tuple[str, ...],
    event_keys: tuple[str, ...],
    dependent_keys: tuple[str, ...],
) -> DriverStatement:
    """`insert_together` compiled for the driver, run without SQLAlchemy's `Connection`
    around it: on this path its execution machinery cost more CPU than the statement (as for
    intake's INSERT, intake/driver_insert.py)."""
    statement = insert_together(table, comment_keys, event_keys, dependent_keys)
    columns = [(f"c_{key}", COMMENTS.c[key]) for key in comment_keys]
    columns += [(f"e_{key}", EVENTS.c[key]) for key in event_keys]
    columns += [(f"d_{key}", table.c[key]) for key in dependent_keys]
    processors = tuple(
        (name, processor)
        for name, column in columns
        if (processor := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    return DriverStatement(str(statement.compile(dialect=dialect)), processors)


@lru_cache(maxsize=8)
def insert_together(
    table: Table,
    comment_keys: tuple[str, ...],
    event_keys: tuple[str, ...],
    dependent_keys: tuple[str, ...],
) -> Select:
    """One statement storing a new comment (parameters `c_<column>`), its audit event
    (`e_<column>`) and a row of `table` (`d_<column>`), both referring to the comment, and
    returning its id: INSERTs in a WITH, built once per set of columns."""
    comment = INSERT_COMMENT.values(
        {key: bindparam(f"c_{key}", type_=COMMENTS.c[key].type) for key in comment_keys}
    ).cte("new_comment")

    def referring(target: Table, prefix: str, keys: tuple[str, ...]) -> Any:
        chosen = select(
            comment.c.id, *(bindparam(f"{prefix}_{key}", type_=target.c[key].type) for key in keys)
        )
        return insert(target).from_select(["comment_id", *keys], chosen).cte(f"new_{target.name}")

    return select(comment.c.id).add_cte(
        referring(EVENTS, "e", event_keys), referring(table, "d", dependent_keys)
    )
