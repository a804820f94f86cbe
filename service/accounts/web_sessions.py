"""Signed-in web sessions, kept in the database so that signing out revokes them.

The web UI's cookie is signed (Flask's session), which proves it was issued here but cannot
be taken back: a copy of it would stay valid until it expired, after its moderator signed
out. So the cookie carries a random token, and the session is a row holding its SHA-256
(models.WebSession; a fast hash is enough for 256 random bits, as for API keys). Every
request of a signed-in page reads the row with its moderator in one query; signing out
deletes it, and a new password deletes all of the moderator's. Sessions older than the
lifetime are refused, and deleted when their moderator signs in again.
"""

import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from models import Moderator, WebSession, utcnow
from service.accounts.auth import ModeratorRef, moderator_ref
from service.accounts.keys import hash_key
from service.extensions import db


def start_session(moderator: ModeratorRef, lifetime: timedelta) -> str:
    """A new session for `moderator`: the token its cookie carries."""
    token = secrets.token_urlsafe(32)
    db.session.execute(
        delete(WebSession).where(
            WebSession.moderator_id == moderator.id, WebSession.created_at < utcnow() - lifetime
        )
    )
    db.session.add(WebSession(token_hash=hash_key(token), moderator_id=moderator.id))
    db.session.commit()
    return token


def session_moderator(token: str, lifetime: timedelta) -> ModeratorRef | None:
    """The moderator of the live session with this token, or None (unknown, ended, expired,
    or its moderator deleted)."""
    moderator = db.session.scalar(
        select(Moderator)
        .join(WebSession, WebSession.moderator_id == Moderator.id)
        .where(
            WebSession.token_hash == hash_key(token), WebSession.created_at >= utcnow() - lifetime
        )
    )
    return moderator_ref(moderator) if moderator is not None else None


def end_session(token: str) -> None:
    """Sign the session with this token out, wherever its cookie is."""
    db.session.execute(delete(WebSession).where(WebSession.token_hash == hash_key(token)))
    db.session.commit()


def end_all_sessions(moderator_id: int) -> None:
    """Sign the moderator out everywhere, in the caller's transaction."""
    db.session.execute(delete(WebSession).where(WebSession.moderator_id == moderator_id))
