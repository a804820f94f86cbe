"""An unexpected exception is logged in full and answered with a bare 500."""

import logging
from pathlib import Path

import pytest

from service import create_app
from tests.support.backends import app_config, dispose_app


def test_a_500_is_logged_with_traceback_type_and_request_but_answered_without_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(app_config("sqlite", tmp_path))

    def explode() -> None:
        raise RuntimeError("secret-database-password")

    app.add_url_rule("/explode", view_func=explode, methods=["POST"])
    with caplog.at_level(logging.ERROR, logger="service.api.errors"):
        response = app.test_client().post("/explode?page=2", data="private body text")
    dispose_app(app)

    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    [record] = [r for r in caplog.records if r.name == "service.api.errors"]
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    message = record.getMessage()
    assert "RuntimeError" in message
    assert "POST /explode" in message
    assert "private body text" not in message
