"""The database session's life cycle: what runs once a transaction commits, and what counts
as "the database is unavailable"."""

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

import psycopg
from flask import Flask
from sqlalchemy import Engine, Executable, Row, event, exc
from sqlalchemy.orm import Session

from service.extensions import db

logger = logging.getLogger(__name__)

AFTER_COMMIT = "moderato.after_commit"  # the session.info key of the callbacks waiting

# Errors that mean the database cannot be reached or cannot serve now (connection refused or
# dropped, a server restarting, a pool with no connection to spare), not that a request is
# wrong: a client may send the same request again later. DBAPI OperationalError is, by its
# definition, an error "related to the database's operation and not necessarily under the
# control of the programmer"; psycopg raises it for every connection failure.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,  # the connection pool had nothing to hand out in time
    # The driver's own: code on a driver connection goes through `driver_connection`, which
    # makes its errors SQLAlchemy's; one that escapes all the same is an outage too, not a 500.
    psycopg.OperationalError,
)


def init_app(app: Flask) -> None:
    """Close each request's session safely; call after `db.init_app(app)`.

    Teardown functions run in reverse order of registration, so this one runs before
    Flask-SQLAlchemy's own `session.remove()`, which then finds nothing left to do.
    """
    app.teardown_appcontext(close_session)


def close_session(error: BaseException | None = None) -> None:
    """Remove the session, rolling back what it left open; a failure is logged, not raised.

    A rollback on a connection the server dropped fails. Raised from teardown, after the
    response has been started, it would reach the WSGI server, which answers with its own
    HTML page instead of the JSON the view made. The broken connection is invalidated by
    SQLAlchemy either way, so the pool hands out a fresh one next time.
    """
    try:
        db.session.remove()
    except Exception:  # deliberately broad: nothing here may escape teardown
        logger.warning("Closing the database session failed", exc_info=True)
        db.session.registry.clear()


def read_rows(statement: Executable, parameters: Mapping[str, Any]) -> Sequence[Row[Any]]:
    """The rows of one read-only statement.

    Outside a transaction of the request's session, on a pooled connection in autocommit
    mode: one SELECT needs no transaction of its own, and the BEGIN and ROLLBACK around it
    were two of a review queue page's three round trips to PostgreSQL, each costing both
    processes CPU (bench/queue.py). Inside one (the session has read or written already),
    through the session, so that the statement sees what the transaction sees.
    """
    if db.session().in_transaction():
        return db.session.execute(statement, parameters).all()
    with autocommit_engine(db.engine).connect() as connection:
        return connection.execute(statement, parameters).all()


@lru_cache(maxsize=8)  # one per engine; tests make a few apps
def autocommit_engine(engine: Engine) -> Engine:
    """`engine` in autocommit mode, for a statement that is its own transaction: a view
    sharing its pool, built once (building it costs as much as a small statement's own
    Python work)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def driver_connection(
    engine: Engine, statement: str | None = None, parameters: Mapping[str, Any] | None = None
) -> Iterator[Any]:
    """The driver's own connection of one of `engine`'s pooled connections (handed back on
    exit), for `statement` run without SQLAlchemy's `Connection` around it.

    What `Connection` does about errors is done here, for every such use: the driver's errors
    come out as SQLAlchemy's, from the checkout (a server that is down refuses the new
    connection) to the statement, so an outage is a 503 like any other (UNAVAILABLE_ERRORS).
    A connection the server closed is invalidated, and the pool's other connections, made
    before the loss, are discarded with it, so no later request gets one of them to fail again.
    """
    dbapi_error = engine.dialect.loaded_dbapi.Error
    try:
        pooled = engine.raw_connection()
    except dbapi_error as error:
        raise sqlalchemy_error(engine, error, statement, parameters) from error
    try:
        yield pooled.driver_connection
    except dbapi_error as error:
        lost = engine.dialect.is_disconnect(error, pooled.driver_connection, None)
        if lost:
            pooled.invalidate(error)
            engine.dispose()
        raise sqlalchemy_error(engine, error, statement, parameters, lost=lost) from error
    finally:
        pooled.close()  # back to the pool, or discarded if invalidated


def sqlalchemy_error(
    engine: Engine,
    error: Exception,
    statement: str | None,
    parameters: Mapping[str, Any] | None,
    *,
    lost: bool = False,
) -> exc.DBAPIError:
    """The driver's `error` as SQLAlchemy's `Connection` raises it (OperationalError for an
    OperationalError, IntegrityError for an IntegrityError, and so on)."""
    return cast(
        exc.DBAPIError,
        exc.DBAPIError.instance(
            statement,
            parameters,
            error,
            engine.dialect.loaded_dbapi.Error,
            hide_parameters=engine.hide_parameters,
            connection_invalidated=lost,
            dialect=engine.dialect,
        ),
    )


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction commits; forget it if it rolls back.

    A task sent from inside an open transaction could run before its row exists (warehouse's
    `addAfterCommitHook` does the same with SQLAlchemy session events).
    """
    db.session.info.setdefault(AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def run_after_commit(session: Session) -> None:
    """Run the callbacks the committed transaction registered. A failing one is logged and
    does not stop the others: the transaction is committed whatever they do."""
    run_committed(session.info.pop(AFTER_COMMIT, []))


def run_committed(callbacks: Sequence[Callable[[], None]]) -> None:
    """Run work that follows a commit: each failure is logged and the rest still run (a
    broker that cannot take the message leaves the comment queued, for the sweep)."""
    for callback in callbacks:
        try:
            callback()
        except Exception:  # deliberately broad: the commit has happened; log and go on
            logger.exception("After-commit work failed")


@event.listens_for(Session, "after_rollback")
def drop_after_commit(session: Session) -> None:
    """A rolled-back transaction's work must never run."""
    session.info.pop(AFTER_COMMIT, None)
