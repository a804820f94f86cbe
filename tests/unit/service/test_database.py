"""`driver_connection`: the driver's errors come out as SQLAlchemy's, from the checkout on, and
a connection the server closed is discarded with the pool, never handed out again."""

from dataclasses import dataclass, field
from typing import Any, cast

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import Engine, create_engine, exc

from service.database import UNAVAILABLE_ERRORS, driver_connection

# A real psycopg dialect (its error classes and its test of a lost connection); creating the
# engine connects to nothing, and nothing here asks it for a connection.
DIALECT = create_engine("postgresql+psycopg://moderato@127.0.0.1:1/none").dialect
SQL = "INSERT INTO comments (body) VALUES (%(body)s) RETURNING id"


@dataclass
class FakeDriver:
    """A psycopg connection, as far as the dialect looks at one after an error."""

    closed: bool = False
    broken: bool = False


@dataclass
class FakePooled:
    """A pooled connection that records what was done with it."""

    driver_connection: FakeDriver
    invalidated_by: BaseException | None = None
    returned: bool = False

    def invalidate(self, e: BaseException | None = None) -> None:
        self.invalidated_by = e

    def close(self) -> None:
        self.returned = True


@dataclass
class FakeEngine:
    """An engine with one pooled connection to hand out, or a server that refuses."""

    pooled: FakePooled = field(default_factory=lambda: FakePooled(FakeDriver()))
    refusal: Exception | None = None
    disposed: int = 0
    dialect: Any = DIALECT
    hide_parameters: bool = False

    def raw_connection(self) -> FakePooled:
        if self.refusal is not None:
            raise self.refusal
        return self.pooled

    def dispose(self) -> None:
        self.disposed += 1


def run(engine: FakeEngine, error: Exception) -> exc.DBAPIError:
    """What `driver_connection` raises when `error` happens on the driver's connection."""
    with (
        pytest.raises(exc.DBAPIError) as raised,
        driver_connection(cast(Engine, engine), SQL, {"body": "b"}),
    ):
        raise error
    return raised.value


def test_a_server_that_refuses_the_connection_is_an_outage_not_a_driver_error() -> None:
    refusal = psycopg.OperationalError("connection failed: Connection refused")
    engine = FakeEngine(refusal=refusal)
    with (
        pytest.raises(exc.OperationalError) as raised,
        driver_connection(cast(Engine, engine), SQL, {"body": "b"}),
    ):
        pytest.fail("no connection to use")
    assert raised.value.orig is refusal
    assert isinstance(raised.value, UNAVAILABLE_ERRORS)
    assert not engine.pooled.returned  # never checked out


def test_a_connection_the_server_closed_is_invalidated_and_the_pool_renewed() -> None:
    engine = FakeEngine(FakePooled(FakeDriver(closed=True, broken=True)))
    lost = psycopg.OperationalError("consuming input failed: server closed the connection")
    raised = run(engine, lost)
    assert isinstance(raised, exc.OperationalError)
    assert raised.orig is lost
    assert raised.connection_invalidated
    assert engine.pooled.invalidated_by is lost
    assert engine.disposed == 1
    assert engine.pooled.returned


def test_an_error_of_the_statement_keeps_the_connection_and_the_pool() -> None:
    engine = FakeEngine()
    duplicate = errors.UniqueViolation("duplicate key value violates unique constraint")
    raised = run(engine, duplicate)
    assert isinstance(raised, exc.IntegrityError)
    assert not isinstance(raised, UNAVAILABLE_ERRORS)
    assert not raised.connection_invalidated
    assert engine.pooled.invalidated_by is None
    assert engine.disposed == 0
    assert engine.pooled.returned


def test_the_connection_goes_back_to_the_pool_after_use() -> None:
    engine = FakeEngine()
    with driver_connection(cast(Engine, engine)) as driver:
        assert driver is engine.pooled.driver_connection
        assert not engine.pooled.returned
    assert engine.pooled.returned
    assert engine.pooled.invalidated_by is None


def test_an_error_that_is_not_the_drivers_passes_through_and_returns_the_connection() -> None:
    engine = FakeEngine()
    with pytest.raises(KeyError), driver_connection(cast(Engine, engine)):
        raise KeyError("body")
    assert engine.pooled.returned
    assert engine.disposed == 0


def test_a_driver_operational_error_that_escapes_all_the_same_counts_as_an_outage() -> None:
    assert isinstance(psycopg.OperationalError("the connection is lost"), UNAVAILABLE_ERRORS)
