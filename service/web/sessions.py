"""Who is signed in: the session's token in the signed cookie, its moderator re-read on every
request.

The token names a row (service/accounts/web_sessions.py), so signing out revokes the cookie,
copies included. Re-reading the session and its moderator (one query) means an ended session,
a deleted moderator, or one whose sites changed, is seen at once by every web process; the
cookie itself holds only the token and the language.

Not Flask-Session: its database backend stores the session id as it is, so whoever reads the
table could use every live session; here only the token's SHA-256 is stored.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext

from service.accounts import web_sessions
from service.accounts.auth import ModeratorRef
from service.web.i18n import SESSION_KEY as LANGUAGE_KEY

F = TypeVar("F", bound=Callable[..., Any])
TOKEN_KEY = "session_token"  # noqa: S105 - the key the token is stored under, not a secret


def sign_in(moderator: ModeratorRef) -> None:
    """Start a fresh session for `moderator`, keeping only the chosen language."""
    language = session.get(LANGUAGE_KEY)
    session.clear()  # nothing of the anonymous session (its CSRF token too) carries over
    g.pop("csrf_token", None)  # Flask-WTF's copy for this request, of the cleared session
    session[TOKEN_KEY] = web_sessions.start_session(moderator, lifetime())
    if language:
        session[LANGUAGE_KEY] = language


def sign_out() -> None:
    """End the session, wherever its cookie is (the language choice stays with the browser)."""
    token = session.get(TOKEN_KEY)
    if isinstance(token, str):
        web_sessions.end_session(token)
    language = session.get(LANGUAGE_KEY)
    session.clear()
    g.pop("csrf_token", None)
    if language:
        session[LANGUAGE_KEY] = language


def signed_in_moderator() -> ModeratorRef | None:
    """The moderator of this session, if it is still live, read from the database."""
    token = session.get(TOKEN_KEY)
    return web_sessions.session_moderator(token, lifetime()) if isinstance(token, str) else None


def lifetime() -> timedelta:
    """How long a session lasts: Flask's own limit on the age of its signed cookie."""
    return current_app.permanent_session_lifetime


def current_moderator() -> ModeratorRef:
    """The signed-in moderator, on views under `login_required`."""
    return cast(ModeratorRef, g.moderator)


def wants_json() -> bool:
    """Whether the page's script made this request (it asks for JSON)."""
    return request.accept_mimetypes.best == "application/json"


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page (a script's request gets a 401 instead)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.moderator = signed_in_moderator()
        if g.moderator is None:
            if wants_json():
                return jsonify(message=gettext("Your session has ended: sign in again.")), 401
            return redirect(url_for("web.login", next=request.full_path))
        return view(*args, **kwargs)

    return cast(F, wrapped)
