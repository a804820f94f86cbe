"""With PostgreSQL down the API answers 503 JSON with Retry-After, and recovers by itself once
the server is back; a client retrying with its Idempotency-Key stores one comment. The same
holds when the server shut down cleanly (`pg_ctl stop -m fast`) and closed the pooled
connections: each path to the database (the intake INSERT on the driver's connection, the
keyed intake through the session, the Akismet check) answers 503, never 500.

These tests stop and start a private PostgreSQL server (never the shared one)."""

import logging
from collections.abc import Iterator

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from werkzeug.test import TestResponse

from models import Comment
from service.akismet import create_akismet_app
from service.extensions import db
from tests.support.akismet import wordpress_form
from tests.support.backends import app_config, clean_database, dispose_app
from tests.support.factories import bearer, comment_payload, create_moderator, create_site
from tests.support.postgres import PrivatePostgres

STOP_AFTER_VIEW = "stop_postgres_after_view"
DATABASE = "moderato"
POOL_SIZE = 5  # SQLAlchemy's default QueuePool size, which the app does not change


@pytest.fixture(scope="module")
def server() -> Iterator[PrivatePostgres]:
    with PrivatePostgres() as postgres:
        yield postgres


@pytest.fixture(scope="module")
def outage_app(
    server: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    url = server.create_database(DATABASE)
    app = create_akismet_app(
        app_config(
            "postgresql",
            tmp_path_factory.mktemp("outage"),
            SQLALCHEMY_DATABASE_URI=url,
            # A broker of its own: dispose_app closes kombu's connection pool, which is shared
            # by every app publishing to the same URL (the suite's Redis database).
            BROKER_URL="memory://",
        )  # fmt: skip
    )
    app.config[STOP_AFTER_VIEW] = False

    @app.after_request
    def stop_postgres_after_view(response: Response) -> Response:
        """Lets a test take the server down between a view and the request's teardown."""
        if app.config[STOP_AFTER_VIEW]:
            app.config[STOP_AFTER_VIEW] = False
            server.stop()
        return response

    with app.app_context():
        upgrade()
    yield app
    dispose_app(app)


@pytest.fixture
def client(server: PrivatePostgres, outage_app: Flask) -> Iterator[FlaskClient]:
    """A client of the app, with the server up and the tables empty at the start."""
    if not server.running:
        server.start()
    with outage_app.app_context():
        clean_database()
    yield outage_app.test_client()
    if not server.running:
        server.start()


def stored_comments(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Comment)) or 0


def new_site(app: Flask) -> str:
    with app.app_context():
        return create_site().api_key


def assert_unavailable(response: TestResponse) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {
        "error": {
            "code": "service_unavailable",
            "message": "The database is unavailable; try again shortly.",
            "fields": {},
        }
    }


def test_with_postgres_down_the_api_answers_503_json_and_recovers_without_a_restart(
    server: PrivatePostgres, client: FlaskClient
) -> None:
    api_key = new_site(client.application)
    first = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
    assert first.status_code == 202
    server.stop()
    assert_unavailable(
        client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
    )
    assert_unavailable(client.get(first.headers["Location"], headers=bearer(api_key)))
    assert_unavailable(client.get("/api/v1/moderation/queue", headers=bearer("mk_unknown")))
    server.start()
    again = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
    assert again.status_code == 202
    assert stored_comments(client.application) == 2


def test_a_client_retrying_with_its_key_after_a_503_stores_exactly_one_comment(
    server: PrivatePostgres, client: FlaskClient
) -> None:
    headers = bearer(new_site(client.application)) | {"Idempotency-Key": "submit-7f3a"}
    server.stop()
    assert_unavailable(client.post("/api/v1/comments", json=comment_payload(), headers=headers))
    server.start()
    answers = [
        client.post("/api/v1/comments", json=comment_payload(), headers=headers) for _ in range(3)
    ]
    assert {answer.status_code for answer in answers} == {202}
    assert len({answer.get_data() for answer in answers}) == 1
    assert stored_comments(client.application) == 1


def test_a_rollback_that_fails_at_teardown_is_logged_and_the_answer_stands(
    server: PrivatePostgres, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    api_key = new_site(client.application)
    created = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
    client.application.config[STOP_AFTER_VIEW] = True  # the read's transaction is still open
    with caplog.at_level(logging.WARNING, logger="service.database"):
        read = client.get(created.headers["Location"], headers=bearer(api_key))
    assert not server.running
    assert read.status_code == 200
    assert read.get_json() == created.get_json()
    [record] = [r for r in caplog.records if r.name == "service.database"]
    assert record.exc_info is not None


def warm_pool(app: Flask, size: int) -> None:
    """Leave `size` used connections in the app's pool, as that many concurrent requests do."""
    with app.app_context():
        connections = [db.engine.connect() for _ in range(size)]
        for connection in connections:
            connection.execute(text("SELECT 1"))
        for connection in connections:
            connection.close()


def test_after_a_fast_shutdown_closed_the_pooled_connections_every_post_answers_503(
    server: PrivatePostgres, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with client.application.app_context():
        site = create_site()
        moderator = bearer(create_moderator(site.site).token)
    api_key, akismet_form = site.api_key, wordpress_form(site.akismet_key)
    keyed = bearer(api_key) | {"Idempotency-Key": "submit-fast-stop"}
    for _ in range(3):  # the key is cached, so while the server is down the INSERT comes first
        ok = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
        assert ok.status_code == 202
    assert client.post("/1.1/comment-check", data=akismet_form).status_code == 200
    assert client.get("/api/v1/moderation/queue", headers=moderator).status_code == 200
    warm_pool(client.application, POOL_SIZE)
    assert server.client_connections(DATABASE) >= POOL_SIZE
    server.stop("fast")
    with caplog.at_level(logging.WARNING):
        # More requests than pooled connections: each stale one, then connecting afresh.
        answers = [
            *(
                client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
                for _ in range(POOL_SIZE + 3)
            ),
            *(client.post("/api/v1/comments", json=comment_payload(), headers=keyed)
              for _ in range(2)),
            *(client.post("/1.1/comment-check", data=akismet_form) for _ in range(2)),
            client.get("/api/v1/moderation/queue", headers=moderator),
        ]  # fmt: skip
    assert [answer.status_code for answer in answers] == [503] * len(answers)
    for answer in answers:
        assert_unavailable(answer)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no 500 logged
    unavailable = [r for r in caplog.records if r.getMessage().startswith("Database unavailable")]
    assert len(unavailable) == len(answers)
    assert all(record.exc_info for record in unavailable)
    server.start()
    again = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
    assert again.status_code == 202
    retried = [client.post("/api/v1/comments", json=comment_payload(), headers=keyed)
               for _ in range(2)]  # fmt: skip
    assert {answer.status_code for answer in retried} == {202}
    assert retried[0].get_data() == retried[1].get_data()
    assert client.post("/1.1/comment-check", data=akismet_form).status_code == 200
    assert client.get("/api/v1/moderation/queue", headers=moderator).status_code == 200
    assert stored_comments(client.application) == 3 + 1 + 1 + 2  # warm-up, again, key, checks


def test_one_request_on_a_closed_pooled_connection_discards_the_others_that_the_server_closed(
    server: PrivatePostgres, client: FlaskClient
) -> None:
    api_key = new_site(client.application)
    first = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
    assert first.status_code == 202
    warm_pool(client.application, POOL_SIZE)
    server.stop("fast")
    assert_unavailable(
        client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
    )
    server.start()
    answers = [
        client.post("/api/v1/comments", json=comment_payload(), headers=bearer(api_key))
        for _ in range(POOL_SIZE)
    ]
    assert [answer.status_code for answer in answers] == [202] * POOL_SIZE
    assert stored_comments(client.application) == 1 + POOL_SIZE
