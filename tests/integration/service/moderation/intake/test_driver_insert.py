"""Intake's INSERT on the driver's connection: committed, typed like SQLAlchemy's, and the
pooled connection handed back as it was taken, even after an error."""

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, exc, func, insert, select

from models import Comment, utcnow
from service.extensions import db
from service.moderation import new_comments
from service.moderation.intake import driver_insert
from tests.support.factories import create_site


@pytest.fixture
def one_connection(pg_app: Flask) -> Iterator[Engine]:
    """An engine on the test database whose pool holds a single connection, so every use
    after the first gets the very connection the driver path used."""
    engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def row(site_id: int, **values: Any) -> dict[str, Any]:
    now = utcnow()
    return {
        **new_comments.NEW_COMMENT_DEFAULTS, "site_id": site_id, "article_id": "a",
        "author_name": "A", "body": "b", "created_at": now, "enqueued_at": now, **values,
    }  # fmt: skip


def test_the_row_is_committed_and_its_times_are_stored_as_sqlalchemy_would(
    pg_app: Flask,
) -> None:
    assert driver_insert.supports(db.engine)
    site = create_site().site
    db.session.commit()
    values = row(site.id)
    comment_id = driver_insert.insert_returning_id(db.engine, new_comments.INSERT_COMMENT, values)
    stored = db.session.get(Comment, comment_id)
    assert stored is not None
    assert stored.created_at == values["created_at"]  # aware UTC in, the same out
    assert stored.body == "b"


def test_a_driver_error_is_sqlalchemys_and_the_connection_goes_back_transactional(
    pg_app: Flask, one_connection: Engine
) -> None:
    site = create_site().site
    db.session.commit()
    with pytest.raises(exc.IntegrityError):  # no such site: the foreign key refuses it
        driver_insert.insert_returning_id(
            one_connection, new_comments.INSERT_COMMENT, row(site.id + 99)
        )
    with one_connection.connect() as connection:  # the same connection, from the pool
        connection.execute(insert(Comment.__table__), [row(site.id)])
        connection.rollback()  # in a transaction again, so this undoes the insert
        assert connection.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_connection_the_server_closed_is_an_outage_and_is_never_handed_out_again(
    pg_app: Flask, one_connection: Engine
) -> None:
    site = create_site().site
    db.session.commit()
    driver_insert.insert_returning_id(one_connection, new_comments.INSERT_COMMENT, row(site.id))
    with one_connection.connect() as connection:  # the pool's one connection, used above
        backend = connection.scalar(select(func.pg_backend_pid()))
    db.session.execute(select(func.pg_terminate_backend(backend)))  # as a restart does to it
    db.session.commit()
    with pytest.raises(exc.OperationalError) as raised:
        driver_insert.insert_returning_id(one_connection, new_comments.INSERT_COMMENT, row(site.id))
    assert raised.value.connection_invalidated
    again = driver_insert.insert_returning_id(
        one_connection, new_comments.INSERT_COMMENT, row(site.id)
    )  # a new connection: the closed one was discarded, not pooled to fail again
    assert db.session.get(Comment, again) is not None


def test_other_databases_take_sqlalchemys_path(app: Flask) -> None:
    expected = db.engine.dialect.name == "postgresql"
    assert driver_insert.supports(db.engine) is expected
