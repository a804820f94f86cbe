"""Moderators' passwords: argon2 hashes, set from the CLI, checked at login."""

import pytest
from flask import Flask
from sqlalchemy import select

from models import Moderator
from service.accounts import bootstrap
from service.accounts.passwords import (
    ModeratorNotFound,
    WrongCredentials,
    check_password,
    set_password,
)
from service.cli import main
from service.errors import InvalidInput
from service.extensions import db
from tests.support.factories import create_moderator, create_site


def stored_hash(name: str) -> str | None:
    return db.session.scalar(select(Moderator.password_hash).where(Moderator.name == name))


def test_a_password_is_stored_as_an_argon2id_hash_and_checked(app: Flask) -> None:
    alice = create_moderator(create_site().site, "alice")
    set_password("alice", "una password lunga")
    assert stored_hash("alice").startswith("$argon2id$")
    assert "una password lunga" not in stored_hash("alice")
    assert check_password("alice", "una password lunga").id == alice.moderator.id
    with pytest.raises(WrongCredentials):
        check_password("alice", "un'altra password")


def test_without_a_password_and_for_unknown_names_nobody_gets_in(app: Flask) -> None:
    create_moderator(create_site().site, "bob")
    with pytest.raises(WrongCredentials):
        check_password("bob", "")
    with pytest.raises(WrongCredentials):
        check_password("nobody", "whatever password")


def test_short_passwords_and_unknown_moderators_are_refused(app: Flask) -> None:
    create_moderator(create_site().site, "carla")
    with pytest.raises(InvalidInput):
        set_password("carla", "short")
    with pytest.raises(ModeratorNotFound):
        set_password("nobody", "long enough password")


def test_moderators_set_password_prompts_twice_and_stores_the_hash(app: Flask) -> None:
    create_moderator(create_site().site, "dario")
    result = app.test_cli_runner().invoke(
        main,
        ["moderators", "set-password", "dario"],
        input="password di dario\npassword di dario\n",
    )
    assert result.exit_code == 0, result.output
    assert check_password("dario", "password di dario").name == "dario"


def test_the_demo_moderator_gets_a_password_that_works(app: Flask) -> None:
    demo = bootstrap.create_demo_if_empty()
    assert demo is not None
    assert check_password(demo.moderator_name, demo.moderator_password).name == "demo-moderator"
