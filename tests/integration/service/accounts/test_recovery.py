"""Recovering access: a moderator's new token, a site's new API key; the old ones are refused."""

from datetime import timedelta

import pytest
from flask import Flask

from service.accounts import moderators, sites, web_sessions
from service.accounts.auth import authenticate_key, moderator_ref
from service.accounts.keys import hash_key
from service.accounts.passwords import ModeratorNotFound, set_password
from service.accounts.sites import SiteNotFound
from service.errors import Unauthenticated
from service.extensions import db
from tests.support.factories import create_moderator, create_site

DAY = timedelta(days=1)


def test_reset_token_issues_a_new_token_stored_hashed_and_refuses_the_old(app: Flask) -> None:
    alice = create_moderator(create_site().site, "alice")
    new_token = moderators.reset_token("alice")
    assert new_token.startswith("mk_")
    assert new_token != alice.token
    db.session.expire_all()
    stored = moderators.get_moderator("alice")
    assert stored.token_hash == hash_key(new_token)
    assert new_token not in {stored.token_hash, stored.token_prefix}
    assert authenticate_key(new_token).moderator.name == "alice"  # type: ignore[union-attr]
    with pytest.raises(Unauthenticated):
        authenticate_key(alice.token)


def test_reset_token_ends_the_moderators_web_sessions(app: Flask) -> None:
    bob = create_moderator(create_site().site, "bob")
    session = web_sessions.start_session(moderator_ref(bob.moderator), DAY)
    moderators.reset_token("bob")
    assert web_sessions.session_moderator(session, DAY) is None


def test_reset_token_of_an_unknown_moderator_fails(app: Flask) -> None:
    with pytest.raises(ModeratorNotFound):
        moderators.reset_token("nobody")


def test_list_moderators_names_each_with_their_sites(app: Flask) -> None:
    first, second = create_site("Il Quotidiano").site, create_site("La Cronaca").site
    create_moderator([first, second], "zoe")
    create_moderator(first, "carla")
    set_password("carla", "una password lunga")
    listed = moderators.list_moderators()
    assert [m.name for m in listed] == ["carla", "zoe"]
    assert sorted(site.slug for site in listed[1].sites) == ["il-quotidiano", "la-cronaca"]
    assert listed[0].password_hash is not None
    assert listed[1].password_hash is None


def test_rotate_api_key_issues_a_new_key_and_refuses_the_old(app: Flask) -> None:
    created = create_site("Il Quotidiano")
    new_key = sites.rotate_api_key("il-quotidiano")
    assert new_key.startswith("sk_")
    assert new_key != created.api_key
    assert authenticate_key(new_key).site.slug == "il-quotidiano"  # type: ignore[union-attr]
    with pytest.raises(Unauthenticated):
        authenticate_key(created.api_key)
    assert sites.get_site("il-quotidiano").api_key_prefix == new_key[:10]


def test_rotate_api_key_of_an_unknown_site_fails(app: Flask) -> None:
    with pytest.raises(SiteNotFound):
        sites.rotate_api_key("nope")
