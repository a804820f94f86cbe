"""`execute_alone`: the statement in autocommit, and the connection back to transactions unless
the server closed it (then the error that says why is the one raised)."""

from dataclasses import dataclass, field
from typing import Any, cast

import psycopg
import pytest

from service.moderation.intake.driver_insert import execute_alone


@dataclass
class FakeCursor:
    row: tuple[Any, ...] | None

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.row


@dataclass
class FakeDriver:
    """A psycopg connection: setting autocommit on a closed one raises, as psycopg's does."""

    error: Exception | None = None
    closes_on_error: bool = False
    closed: bool = False
    modes: list[bool] = field(default_factory=list)

    @property
    def autocommit(self) -> bool:
        return bool(self.modes) and self.modes[-1]

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        if self.closed:
            raise psycopg.OperationalError("the connection is closed")
        self.modes.append(value)

    def execute(self, sql: str, parameters: dict[str, Any]) -> FakeCursor:
        if self.error is not None:
            self.closed = self.closes_on_error
            raise self.error
        return FakeCursor((7,))


def execute(driver: FakeDriver) -> Any:
    return execute_alone(cast(psycopg.Connection, driver), "INSERT ...", {})


def test_the_statement_runs_in_autocommit_and_the_connection_goes_back_to_transactions() -> None:
    driver = FakeDriver()
    assert execute(driver) == (7,)
    assert driver.modes == [True, False]


def test_after_an_error_of_the_statement_the_connection_goes_back_to_transactions() -> None:
    driver = FakeDriver(error=psycopg.errors.ForeignKeyViolation("no such site"))
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        execute(driver)
    assert driver.modes == [True, False]


def test_when_the_server_closed_the_connection_its_own_error_is_raised() -> None:
    lost = psycopg.OperationalError("consuming input failed: server closed the connection")
    driver = FakeDriver(error=lost, closes_on_error=True)
    with pytest.raises(psycopg.OperationalError) as raised:
        execute(driver)
    assert raised.value is lost  # not "the connection is closed" from resetting autocommit
    assert driver.modes == [True]
