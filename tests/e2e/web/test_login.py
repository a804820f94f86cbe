"""Signing in and out of the web UI, its cookie, CSRF and the failed-login limit."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import LoginFailure
from service.accounts.passwords import set_password
from service.extensions import db
from tests.e2e.web.conftest import new_client
from tests.support.factories import create_site
from tests.support.web import PASSWORD, create_web_moderator, csrf_token, post_form, sign_in

COOKIE = "moderato_session"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Each request in its own app context, as on a server (see conftest.py)."""
    return new_client(app)


def test_a_moderator_signs_in_with_name_and_password_and_lands_on_the_queue(
    client: FlaskClient,
) -> None:
    alice = create_web_moderator(create_site().site)
    response = sign_in(client, alice)
    assert response.headers["Location"] == "/moderate/"
    page = client.get("/moderate/")
    assert page.status_code == 200
    assert alice.name in page.get_data(as_text=True)


def test_a_moderator_signs_in_with_their_api_token(client: FlaskClient) -> None:
    alice = create_web_moderator(create_site().site)
    response = post_form(client, "/moderate/login", {"token": alice.token})
    assert response.status_code == 302
    assert client.get("/moderate/").status_code == 200


def test_a_site_key_is_not_a_login(client: FlaskClient) -> None:
    site = create_site()
    response = post_form(client, "/moderate/login", {"token": site.api_key})
    assert response.status_code == 401
    assert client.get("/moderate/").status_code == 302


def test_a_wrong_password_is_refused(client: FlaskClient) -> None:
    alice = create_web_moderator(create_site().site)
    response = post_form(client, "/moderate/login", {"name": alice.name, "password": "nope"})
    assert response.status_code == 401
    assert "Nome e password errati" in response.get_data(as_text=True)  # Italian by default
    assert client.get("/moderate/").headers["Location"].startswith("/moderate/login")


def test_the_session_cookie_is_httponly_and_samesite_lax_and_not_secure_over_http(
    client: FlaskClient,
) -> None:
    cookie = sign_in(client, create_web_moderator(create_site().site)).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(app: Flask) -> None:
    client = new_client(app)
    alice = create_web_moderator(create_site().site)
    token = csrf_token(client, "https://localhost/moderate/login")
    response = client.post(
        "https://localhost/moderate/login",
        data={"name": alice.name, "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/moderate/login"},  # Flask-WTF's HTTPS check
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_post_without_the_csrf_token_is_refused(client: FlaskClient) -> None:
    alice = create_web_moderator(create_site().site)
    response = client.post("/moderate/login", data={"name": alice.name, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/moderate/").status_code == 302  # not signed in


def test_a_post_with_another_sessions_csrf_token_is_refused(app: Flask) -> None:
    alice = create_web_moderator(create_site().site)
    stolen = csrf_token(new_client(app))
    victim = new_client(app)
    victim.get("/moderate/login")
    response = victim.post(
        "/moderate/login", data={"name": alice.name, "password": PASSWORD, "csrf_token": stolen}
    )
    assert response.status_code == 400


def test_signing_out_ends_the_session(client: FlaskClient) -> None:
    sign_in(client, create_web_moderator(create_site().site))
    assert post_form(client, "/moderate/logout").status_code == 302
    assert client.get("/moderate/").headers["Location"].startswith("/moderate/login")


def test_signing_out_revokes_the_cookie_wherever_it_was_copied(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, create_web_moderator(create_site().site))
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    thief = new_client(app)
    thief.set_cookie(COOKIE, cookie.value)
    assert thief.get("/moderate/").status_code == 200  # a copy works while the session lives
    assert post_form(client, "/moderate/logout").status_code == 302
    assert thief.get("/moderate/").headers["Location"].startswith("/moderate/login")


def test_a_new_password_ends_every_session_of_its_moderator(
    app: Flask, client: FlaskClient
) -> None:
    alice = create_web_moderator(create_site().site)
    other_device = new_client(app)
    sign_in(client, alice)
    sign_in(other_device, alice)
    set_password(alice.name, "un'altra password lunga")
    for device in (client, other_device):
        assert device.get("/moderate/").headers["Location"].startswith("/moderate/login")


def test_signing_out_needs_the_csrf_token(client: FlaskClient) -> None:
    sign_in(client, create_web_moderator(create_site().site))
    assert client.post("/moderate/logout").status_code == 400
    assert client.get("/moderate/").status_code == 200


def test_after_five_failures_even_the_right_password_is_refused_for_a_while(
    app: Flask, client: FlaskClient
) -> None:
    alice = create_web_moderator(create_site().site)
    for _ in range(5):
        post_form(client, "/moderate/login", {"name": alice.name, "password": "wrong"})
    response = post_form(client, "/moderate/login", {"name": alice.name, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    # The count lives in the database, so every web process (here: a new client) sees it.
    other = new_client(app)
    assert (
        post_form(other, "/moderate/login", {"name": alice.name, "password": PASSWORD}).status_code
        == 429
    )
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 10


def test_the_limit_counts_failures_within_the_window_only(app: Flask, client: FlaskClient) -> None:
    alice = create_web_moderator(create_site().site)
    app.config["WEB_LOGIN_WINDOW_SECONDS"] = 0.0
    try:
        for _ in range(6):
            post_form(client, "/moderate/login", {"name": alice.name, "password": "wrong"})
        assert sign_in(client, alice).status_code == 302
    finally:
        app.config["WEB_LOGIN_WINDOW_SECONDS"] = 15 * 60.0


def test_token_guessing_is_limited_too(client: FlaskClient) -> None:
    alice = create_web_moderator(create_site().site)
    for _ in range(5):
        post_form(client, "/moderate/login", {"token": "mk_guess"})
    assert post_form(client, "/moderate/login", {"token": alice.token}).status_code == 429


def test_after_signing_in_the_page_goes_back_where_it_was_asked_for_but_never_off_site(
    client: FlaskClient,
) -> None:
    alice = create_web_moderator(create_site().site)
    data = {"name": alice.name, "password": PASSWORD}
    wanted = post_form(client, "/moderate/login", {**data, "next": "/moderate/?status=approved"})
    assert wanted.headers["Location"] == "/moderate/?status=approved"
    client.delete_cookie("moderato_session")
    away = post_form(client, "/moderate/login", {**data, "next": "https://evil.example/moderate/"})
    assert away.headers["Location"] == "/moderate/"


def test_the_json_api_ignores_the_web_session_and_never_sets_its_cookie(
    client: FlaskClient,
) -> None:
    sign_in(client, create_web_moderator(create_site().site))
    answer = client.get("/api/v1/moderation/queue")  # the session cookie, but no bearer key
    assert answer.status_code == 401
    assert "Set-Cookie" not in answer.headers
    assert client.get("/moderate/").status_code == 200  # the web session itself still holds


def test_only_the_web_uis_paths_open_the_cookie_session(app: Flask) -> None:
    from flask import request

    from service.web import bp
    from service.web.setup import WEB_PREFIX

    assert bp.url_prefix == WEB_PREFIX
    interface = app.session_interface
    with app.test_request_context("/api/v1/comments"):
        assert interface.open_session(app, request) is None  # Flask's null session
    with app.test_request_context(f"{WEB_PREFIX}/login"):
        assert interface.open_session(app, request) is not None
