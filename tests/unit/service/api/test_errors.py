import logging

import psycopg
import pytest
from flask import Flask

from service.api.errors import flatten_messages, register_error_handlers


def test_marshmallow_messages_become_one_message_per_field() -> None:
    messages = {"body": ["Too long.", "Other."], "author_ip": ["Not a valid IP address."]}
    assert flatten_messages(messages) == {
        "body": "Too long.",
        "author_ip": "Not a valid IP address.",
    }


def test_nested_and_schema_level_messages_are_flattened() -> None:
    assert flatten_messages({"meta": {"x": ["Bad."]}}) == {"meta": "Bad."}
    assert flatten_messages(["Invalid input type."]) == {"_schema": "Invalid input type."}


def app_raising(error: Exception) -> Flask:
    """A bare app with the API's error handlers and one route that raises `error`."""
    app = Flask(__name__)
    app.config["DATABASE_RETRY_AFTER_SECONDS"] = 5
    register_error_handlers(app)

    def explode() -> None:
        raise error

    app.add_url_rule("/explode", view_func=explode, methods=["GET", "POST"])
    return app


def test_an_unexpected_error_is_a_bare_500_and_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    error = RuntimeError("password=secret-in-the-dsn")
    with caplog.at_level(logging.ERROR, logger="service.api.errors"):
        response = app_raising(error).test_client().get("/explode")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "internal_error", "message": "An internal error occurred.", "fields": {}}
    }
    assert "secret" not in response.get_data(as_text=True)
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[1] is error


def test_a_driver_error_that_escaped_sqlalchemy_is_a_503_with_retry_after_and_no_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    error = psycopg.OperationalError("connection to 10.0.0.5 failed: secret-host unreachable")
    with caplog.at_level(logging.WARNING, logger="service.api.errors"):
        response = app_raising(error).test_client().post("/explode")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {
        "error": {
            "code": "service_unavailable",
            "message": "The database is unavailable; try again shortly.",
            "fields": {},
        }
    }
    assert "secret" not in response.get_data(as_text=True)
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.exc_info is not None
    assert record.exc_info[1] is error
