"""The lockout page says what still works: a name locked out by password guesses can sign in
with its API token, and the page says so (in the reader's language) with the token form open."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.e2e.web.conftest import new_client
from tests.support.factories import create_site
from tests.support.web import PASSWORD, create_web_moderator, post_form

TOKEN_HINT = "Signing in with your API token (below) still works."


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Each request in its own app context, as on a server (see conftest.py)."""
    return new_client(app)


def lock_out(client: FlaskClient, name: str, **kwargs: object) -> str:
    """Fail five times, then try the right password: the lockout page."""
    for _ in range(5):
        post_form(client, "/moderate/login", {"name": name, "password": "wrong"})
    page = post_form(client, "/moderate/login", {"name": name, "password": PASSWORD}, **kwargs)
    assert page.status_code == 429
    return page.get_data(as_text=True)


def test_the_lockout_page_says_token_sign_in_still_works_and_it_does(client: FlaskClient) -> None:
    alice = create_web_moderator(create_site().site)
    page = lock_out(client, alice.name, headers={"Accept-Language": "en"})
    assert TOKEN_HINT in page
    assert '<details class="token-login" open>' in page
    signed_in = post_form(client, "/moderate/login", {"token": alice.token})
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/moderate/"


def test_the_lockout_page_says_it_in_italian(client: FlaskClient) -> None:
    alice = create_web_moderator(create_site().site)
    page = lock_out(client, alice.name, headers={"Accept-Language": "it"})
    assert "Troppi accessi falliti" in page
    assert "L&#39;accesso con il tuo token API (qui sotto) funziona ancora." in page


def test_when_token_sign_in_is_limited_too_the_page_does_not_offer_it(client: FlaskClient) -> None:
    alice = create_web_moderator(create_site().site)
    for _ in range(5):
        post_form(client, "/moderate/login", {"token": "mk_guess"})
    page = post_form(
        client, "/moderate/login", {"token": alice.token}, headers={"Accept-Language": "en"}
    )
    assert page.status_code == 429
    assert "Too many failed sign-ins" in page.get_data(as_text=True)
    assert TOKEN_HINT not in page.get_data(as_text=True)
