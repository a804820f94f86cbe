"""`moderato sites create`, `sites akismet-key` and `sites update --akismet-discard`."""

import re

import pytest
from flask import Flask
from sqlalchemy import select

from models import Site
from service.accounts.auth import authenticate_akismet_key
from service.accounts.keys import hash_akismet_key
from service.cli import main
from service.errors import Unauthenticated
from service.extensions import db
from tests.integration.service.commands.test_commands import run, value_after


def site() -> Site:
    return db.session.scalars(select(Site)).one()


def test_sites_create_prints_an_akismet_key_of_12_hex_digits_stored_hashed(app: Flask) -> None:
    output = run(app, "sites", "create", "Il Quotidiano")
    key = value_after(output, "akismet key")
    assert re.fullmatch(r"[0-9a-f]{12}", key)
    assert site().akismet_key_hash == hash_akismet_key(key)
    assert key not in site().akismet_key_hash
    assert authenticate_akismet_key(key).slug == "il-quotidiano"


def test_akismet_key_prints_a_new_key_and_the_old_one_stops_working(app: Flask) -> None:
    old = value_after(run(app, "sites", "create", "Il Quotidiano"), "akismet key")
    new = value_after(run(app, "sites", "akismet-key", "il-quotidiano"), "akismet key")
    assert re.fullmatch(r"[0-9a-f]{12}", new)
    assert new != old
    assert authenticate_akismet_key(new).slug == "il-quotidiano"
    with pytest.raises(Unauthenticated):
        authenticate_akismet_key(old)


def test_akismet_key_of_an_unknown_site_fails(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, args=["sites", "akismet-key", "nope"])
    assert result.exit_code != 0
    assert "No site" in result.output


def test_the_discard_opt_in_is_off_until_an_operator_turns_it_on(app: Flask) -> None:
    run(app, "sites", "create", "Il Quotidiano")
    assert site().akismet_discard is False
    assert "akismet-discard=on" in run(app, "sites", "update", "il-quotidiano", "--akismet-discard")
    db.session.expire_all()
    assert site().akismet_discard is True
    run(app, "sites", "update", "il-quotidiano", "--no-akismet-discard")
    db.session.expire_all()
    assert site().akismet_discard is False
