"""The web UI's tests use a client that gives every request its own app context, as a server
does: `g` (where Flask-WTF keeps a request's CSRF token) and the database session are then
per request, not shared with the test's own context and with other clients."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class FreshContextClient(FlaskClient):
    """A test client whose requests each run in a new app context."""

    def open(self, *args, **kwargs) -> TestResponse:  # type: ignore[no-untyped-def]
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the current app, each request in its own app context."""
    return new_client(app)


def new_client(app: Flask) -> FlaskClient:
    """Another browser, as it were: its own cookies."""
    return FreshContextClient(app, app.response_class, use_cookies=True)
