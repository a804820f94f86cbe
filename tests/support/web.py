"""Driving the web UI with Flask's test client: signing in and sending its forms."""

import re
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from models import Site, SiteRole
from service.accounts.passwords import set_password
from tests.support.factories import create_moderator

PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'name="csrf-token" content="([^"]+)"')


@dataclass(frozen=True)
class WebModerator:
    """A moderator with a password and an API token."""

    name: str
    password: str
    token: str


def create_web_moderator(
    site: Site | list[Site], name: str | None = None, role: str = SiteRole.MODERATOR
) -> WebModerator:
    """A moderator of `site` (or sites), with `role`, who can sign in with PASSWORD."""
    new = create_moderator(site, name, role)
    set_password(new.moderator.name, PASSWORD)
    return WebModerator(new.moderator.name, PASSWORD, new.token)


def csrf_token(client: FlaskClient, path: str = "/moderate/login") -> str:
    """The CSRF token of the client's session, as a page of the UI carries it."""
    page = client.get(path, follow_redirects=True)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match is not None, page.get_data(as_text=True)[:500]
    return match[1]


def sign_in(client: FlaskClient, moderator: WebModerator) -> TestResponse:
    """Sign in with name and password; the response is the redirect to the queue."""
    response = post_form(client, "/moderate/login",
                         {"name": moderator.name, "password": moderator.password})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post_form(
    client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> TestResponse:
    """POST a form with the session's CSRF token, as a page of the UI would."""
    token = csrf_token(client)
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def post_action(
    client: FlaskClient,
    path: str,
    data: dict[str, Any] | None = None,
    *,
    if_match: str | None = None,
) -> TestResponse:
    """POST as the page's script does: CSRF token and If-Match as headers, JSON back."""
    headers = {"X-CSRFToken": csrf_token(client), "Accept": "application/json"}
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.post(path, data=data or {}, headers=headers)
