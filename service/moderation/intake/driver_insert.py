"""Intake's INSERT, run on the database driver's own connection in autocommit.

Why not through SQLAlchemy's `Connection`: on the intake path, one INSERT per request, its
execution machinery (checkout events, execution context, result set-up, isolation level set
and reset) cost more CPU than the statement itself; bench.intake, against a Flask endpoint
that only commits the row (bench/commit_app.py), shows the difference (the docs' benchmarks
page has the figures). SQLAlchemy still does the parts that need
knowing the dialect: it compiles the statement (once per set of columns), gives each column's
bind processor (UTCDateTime's conversion to naive UTC, say), and hands out and takes back the
pooled connection. `service.database.driver_connection` does what `Connection` does about
errors: the driver's come out as SQLAlchemy's, from the checkout on, and a connection the
server closed is discarded with the rest of the pool, so the API's 503 handling is unchanged.

PostgreSQL (psycopg) only, the production database; others take the `Connection` path.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import psycopg
from sqlalchemy import Engine, Insert, Table
from sqlalchemy.engine import Dialect

from service.database import driver_connection

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
    with driver_connection(engine, compiled.sql, parameters) as driver:
        fetched = execute_alone(driver, compiled.sql, parameters)
    if fetched is None:  # INSERT ... RETURNING always returns its row
        raise RuntimeError("INSERT ... RETURNING returned no row")
    return int(fetched[0])


def execute_alone(driver: psycopg.Connection, sql: str, parameters: dict[str, Any]) -> Any:
    """The first row of `sql` run as a transaction of its own (autocommit: one round trip).

    The connection goes back to transactions, which the pool's other users expect, unless the
    server closed it: it is discarded then, and trying would only raise "the connection is
    closed" in place of the error that says why.
    """
    driver.autocommit = True
    try:
        return driver.execute(sql, parameters).fetchone()
    finally:
        if not driver.closed:
            driver.autocommit = False
