"""Intake's INSERT, run on the database driver's own connection in autocommit.

Why not through SQLAlchemy's `Connection`: on the intake path, one INSERT per request, its
execution machinery (checkout events, execution context, result set-up, isolation level set
and reset) cost more CPU than the statement itself. Measured with bench.intake against a
Flask endpoint that only commits the row (bench/commit_app.py), Moderato went from 0.41-0.46x
to 0.57-0.62x of that peer's rate with this path. SQLAlchemy still does the parts that need
knowing the dialect: it compiles the statement (once per set of columns), gives each column's
bind processor (UTCDateTime's conversion to naive UTC, say), hands out and takes back the
pooled connection, and turns driver errors into its own exceptions, invalidating the pool
when the server went away, as `Connection` does, so the API's 503 handling is unchanged.

PostgreSQL (psycopg) only, the production database; others take the `Connection` path.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import psycopg
from sqlalchemy import Engine, Insert, Table, exc
from sqlalchemy.engine import Dialect

DRIVER_INSERT_DIALECTS = frozenset({"postgresql"})


@dataclass(frozen=True)
class CompiledInsert:
    """An INSERT ... RETURNING as the driver takes it, and the processors of its parameters."""

    sql: str
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]


def supports(engine: Engine) -> bool:
    """Whether `insert_returning_id` may run on this engine's driver."""
    return engine.dialect.name in DRIVER_INSERT_DIALECTS and engine.dialect.driver == "psycopg"


@lru_cache(maxsize=16)
def compile_insert(statement: Insert, dialect: Dialect, keys: tuple[str, ...]) -> CompiledInsert:
    """`statement` compiled for `dialect` with exactly the columns `keys`."""
    table = cast(Table, statement.table)
    processors = tuple(
        (key, processor)
        for key in keys
        if (processor := table.c[key].type.bind_processor(dialect)) is not None
    )
    sql = str(statement.compile(dialect=dialect, column_keys=list(keys)))
    return CompiledInsert(sql, processors)


def insert_returning_id(engine: Engine, statement: Insert, row: dict[str, Any]) -> int:
    """Run `statement` (an INSERT ... RETURNING the id) with `row` as a transaction of its own:
    committed when this returns."""
    compiled = compile_insert(statement, engine.dialect, tuple(sorted(row)))
    parameters = dict(row)
    for key, processor in compiled.processors:
        parameters[key] = processor(parameters[key])
    pooled = engine.raw_connection()
    try:
        driver = cast(psycopg.Connection, pooled.driver_connection)
        driver.autocommit = True  # the INSERT is its own transaction: one round trip
        try:
            fetched = driver.execute(compiled.sql, parameters).fetchone()
        finally:
            driver.autocommit = False  # the pool's other users expect transactions
        if fetched is None:  # INSERT ... RETURNING always returns its row
            raise RuntimeError("INSERT ... RETURNING returned no row")
        return int(fetched[0])
    except engine.dialect.loaded_dbapi.Error as error:
        raise translated(engine, pooled, compiled.sql, parameters, error) from error
    finally:
        pooled.close()  # back to the pool (or discarded, if invalidated)


def translated(
    engine: Engine, pooled: Any, sql: str, parameters: dict[str, Any], error: Any
) -> exc.DBAPIError:
    """The driver's error as SQLAlchemy's; a lost server also discards the pooled
    connections, so the next requests connect afresh (as `Connection` does)."""
    lost = engine.dialect.is_disconnect(error, pooled.driver_connection, None)
    if lost:
        pooled.invalidate(error)
        engine.dispose()  # the connections made before the loss are stale too: a fresh pool
    return cast(
        exc.DBAPIError,
        exc.DBAPIError.instance(
            sql, parameters, error, engine.dialect.loaded_dbapi.Error, connection_invalidated=lost
        ),
    )
