"""Who is signed in: the moderator id in the signed session cookie, re-read on every request.

Re-reading the moderator (one query) means a deleted moderator, or one whose sites changed,
is seen at once by every web process; the cookie itself holds only the id and the language.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, jsonify, redirect, request, session, url_for
from flask_babel import gettext

from service.accounts.auth import ModeratorRef
from service.accounts.passwords import get_moderator
from service.web.i18n import SESSION_KEY as LANGUAGE_KEY

F = TypeVar("F", bound=Callable[..., Any])
MODERATOR_KEY = "moderator_id"


def sign_in(moderator: ModeratorRef) -> None:
    """Start a fresh session for `moderator`, keeping only the chosen language."""
    language = session.get(LANGUAGE_KEY)
    session.clear()  # nothing of the anonymous session (its CSRF token too) carries over
    g.pop("csrf_token", None)  # Flask-WTF's copy for this request, of the cleared session
    session[MODERATOR_KEY] = moderator.id
    if language:
        session[LANGUAGE_KEY] = language


def sign_out() -> None:
    """End the session (the language choice stays with the browser)."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    g.pop("csrf_token", None)
    if language:
        session[LANGUAGE_KEY] = language


def signed_in_moderator() -> ModeratorRef | None:
    """The moderator of this session, if any, read from the database."""
    moderator_id = session.get(MODERATOR_KEY)
    return get_moderator(moderator_id) if isinstance(moderator_id, int) else None


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
