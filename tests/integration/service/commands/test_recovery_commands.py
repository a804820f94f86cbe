"""`moderato moderators list|reset-token|set-password` and `sites rotate-key|rotate-akismet-key`:
how an operator recovers lost access. Secrets are printed once, never listed."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.accounts.auth import authenticate_akismet_key
from service.accounts.passwords import WrongCredentials, check_password
from service.cli import main
from service.errors import Unauthenticated
from tests.integration.service.commands.test_commands import run, value_after
from tests.support.factories import create_moderator, create_site
from tests.support.web import PASSWORD, create_web_moderator, post_form


def invoke(app: Flask, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(main, args=list(args), input=stdin)
    return result.exit_code, result.output


def test_moderators_list_shows_names_sites_and_passwords_but_no_secret(app: Flask) -> None:
    site = create_site("Il Quotidiano").site
    alice = create_web_moderator(site, "alice")
    bob = create_moderator(site, "bob")
    output = run(app, "moderators", "list")
    lines = output.splitlines()
    assert lines[0].startswith("alice  sites=il-quotidiano")
    assert "password=set" in lines[0]
    assert lines[1].startswith("bob  sites=il-quotidiano")
    assert "password=none" in lines[1]
    for secret in (alice.token, bob.token, PASSWORD):
        assert secret not in output


def test_moderators_reset_token_prints_a_token_the_api_accepts_instead_of_the_old(
    app: Flask, client: FlaskClient
) -> None:
    site = create_site("Il Quotidiano").site
    old = create_moderator(site, "alice").token
    new = value_after(run(app, "moderators", "reset-token", "alice"), "token")
    assert new.startswith("mk_")
    assert new != old

    def queue(token: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return client.get("/api/v1/moderation/queue", headers=headers).status_code

    assert queue(new) == 200
    assert queue(old) == 401


def test_moderators_reset_token_of_an_unknown_name_fails(app: Flask) -> None:
    code, output = invoke(app, "moderators", "reset-token", "nobody")
    assert code != 0
    assert "No moderator named 'nobody'" in output


def test_set_password_from_stdin_replaces_the_password_and_ends_web_sessions(
    app: Flask, client: FlaskClient
) -> None:
    alice = create_web_moderator(create_site().site, "alice")
    post_form(client, "/moderate/login", {"name": "alice", "password": alice.password})
    assert client.get("/moderate/").status_code == 200
    code, output = invoke(
        app, "moderators", "set-password", "alice", "--password-stdin", stdin="nuova password!\n"
    )
    assert code == 0, output
    assert "nuova password!" not in output
    assert check_password("alice", "nuova password!").name == "alice"
    with pytest.raises(WrongCredentials):
        check_password("alice", alice.password)
    assert client.get("/moderate/").status_code == 302  # signed out: back to the login page


def test_set_password_prompts_twice_and_refuses_a_mismatch(app: Flask) -> None:
    create_moderator(create_site().site, "bob")
    code, output = invoke(
        app, "moderators", "set-password", "bob", stdin="password di bob\naltra password\n"
    )
    assert code != 0
    assert "do not match" in output
    with pytest.raises(WrongCredentials):
        check_password("bob", "password di bob")


def test_sites_rotate_key_prints_a_key_the_api_accepts_instead_of_the_old(
    app: Flask, client: FlaskClient
) -> None:
    old = create_site("Il Quotidiano").api_key
    new = value_after(run(app, "sites", "rotate-key", "il-quotidiano"), "api key")
    assert new.startswith("sk_")
    assert new != old
    payload = {"article_id": "a1", "author_name": "Giulia", "body": "Ottimo articolo, grazie!"}

    def post(key: str) -> int:
        headers = {"Authorization": f"Bearer {key}"}
        return client.post("/api/v1/comments", json=payload, headers=headers).status_code

    assert post(new) == 202
    assert post(old) == 401
    assert "il-quotidiano" not in invoke(app, "sites", "rotate-key", "nope")[1]
    assert invoke(app, "sites", "rotate-key", "nope")[0] != 0


def test_sites_rotate_akismet_key_refuses_the_old_key(app: Flask) -> None:
    old = create_site("Il Quotidiano").akismet_key
    new = value_after(run(app, "sites", "rotate-akismet-key", "il-quotidiano"), "akismet key")
    assert re.fullmatch(r"[0-9a-f]{12}", new)
    assert new != old
    assert authenticate_akismet_key(new).slug == "il-quotidiano"
    with pytest.raises(Unauthenticated):
        authenticate_akismet_key(old)
