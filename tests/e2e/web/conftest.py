"""A test client that gives every request its own app context, as a server does: `g` (where
Flask-WTF keeps a request's CSRF token and Flask-Babel the request's language) and the database
session are then per request, not shared with the test's own context and with other clients.

Modules opt in by overriding `client` with `new_client(app)` (the plain one shares `g`)."""

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class FreshContextClient(FlaskClient):
    """A test client whose requests each run in a new app context."""

    def open(self, *args, **kwargs) -> TestResponse:  # type: ignore[no-untyped-def]
        with self.application.app_context():
            return super().open(*args, **kwargs)


def new_client(app: Flask) -> FlaskClient:
    """Another browser, as it were: its own cookies."""
    return FreshContextClient(app, app.response_class, use_cookies=True)
