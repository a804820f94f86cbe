"""The database session's life cycle, and what counts as "the database is unavailable"."""

import logging
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from flask import Flask
from sqlalchemy import Engine, Executable, Row, exc

from service.extensions import db

logger = logging.getLogger(__name__)

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
