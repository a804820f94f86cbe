"""An app whose description can be built: no database or broker is touched for that."""

from typing import Any

import pytest
from flask import Flask

from service import create_app


@pytest.fixture(scope="module")
def spec_app() -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "BROKER_URL": "memory://"})


@pytest.fixture(scope="module")
def description(spec_app: Flask) -> dict[str, Any]:
    """The description as the app serves it."""
    response = spec_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]
