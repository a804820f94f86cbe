"""Web sessions: a row per signed-in cookie, so that signing out and new passwords revoke."""

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from models import WebSession, utcnow
from service.accounts import web_sessions
from service.accounts.auth import moderator_ref
from service.accounts.keys import hash_key
from service.extensions import db
from tests.support.factories import create_moderator, create_site

DAY = timedelta(days=1)


def sessions_stored() -> int:
    return db.session.scalar(select(func.count()).select_from(WebSession)) or 0


def age_session(token: str, by: timedelta) -> None:
    db.session.execute(
        update(WebSession)
        .where(WebSession.token_hash == hash_key(token))
        .values(created_at=utcnow() - by)
    )
    db.session.commit()


def test_a_session_names_its_moderator_until_it_ends(app: Flask) -> None:
    alice = moderator_ref(create_moderator(create_site().site).moderator)
    token = web_sessions.start_session(alice, DAY)
    assert token not in {row.token_hash for row in db.session.scalars(select(WebSession))}
    assert web_sessions.session_moderator(token, DAY) == alice
    web_sessions.end_session(token)
    assert web_sessions.session_moderator(token, DAY) is None
    assert web_sessions.session_moderator("not a token", DAY) is None


def test_an_expired_session_is_refused_and_deleted_at_the_next_sign_in(app: Flask) -> None:
    alice = moderator_ref(create_moderator(create_site().site).moderator)
    old = web_sessions.start_session(alice, DAY)
    age_session(old, DAY + timedelta(minutes=1))
    assert web_sessions.session_moderator(old, DAY) is None
    new = web_sessions.start_session(alice, DAY)
    assert web_sessions.session_moderator(new, DAY) == alice
    assert sessions_stored() == 1  # the expired one went


def test_ending_every_session_leaves_other_moderators_signed_in(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    bob = moderator_ref(create_moderator(site).moderator)
    alices = [web_sessions.start_session(alice, DAY) for _ in range(2)]
    bobs = web_sessions.start_session(bob, DAY)
    web_sessions.end_all_sessions(alice.id)
    db.session.commit()
    assert [web_sessions.session_moderator(token, DAY) for token in alices] == [None, None]
    assert web_sessions.session_moderator(bobs, DAY) == bob
