"""Moderators' passwords for the web UI: set from the CLI, checked at login, stored as argon2.

Unlike API keys (256 random bits, so a fast SHA-256 is enough: service/accounts/keys.py), a
password is chosen by a person and can be guessed: it gets a slow, salted argon2id hash
(argon2-cffi's defaults, RFC 9106's low-memory profile).
"""

import logging
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from models import Moderator
from service.accounts import web_sessions
from service.accounts.auth import ModeratorRef, moderator_ref
from service.errors import InvalidInput, NotFound, Unauthenticated
from service.extensions import db

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


@cache
def dummy_hash() -> str:
    """Verified against when the name is unknown, so that a wrong name costs as long as a wrong
    password (the timing does not tell which names exist). Made on first use, not at import."""
    return _hasher.hash(secrets.token_urlsafe(16))


class ModeratorNotFound(NotFound):
    message = "No such moderator."


class WrongCredentials(Unauthenticated):
    code, message = "wrong_credentials", "Wrong name or password."


def generate_password() -> str:
    """A random password of about 96 bits, for the demo moderator."""
    return secrets.token_urlsafe(12)


def set_password(name: str, password: str) -> None:
    """Give the named moderator a new password (the old one stops working, and so does every
    web session signed in before)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    moderator = db.session.scalar(select(Moderator).where(Moderator.name == name))
    if moderator is None:
        raise ModeratorNotFound(f"No moderator named {name!r}.")
    moderator.password_hash = _hasher.hash(password)
    web_sessions.end_all_sessions(moderator.id)
    db.session.commit()
    logger.info("Set the password of moderator %s", name, extra={"moderator_id": moderator.id})


def check_password(name: str, password: str) -> ModeratorRef:
    """The moderator with this name and password, or WrongCredentials."""
    moderator = db.session.scalar(select(Moderator).where(Moderator.name == name))
    stored = moderator.password_hash if moderator is not None else None
    try:
        _hasher.verify(stored or dummy_hash(), password)
    except (VerificationError, InvalidHashError) as error:
        raise WrongCredentials() from error
    if moderator is None or stored is None:
        raise WrongCredentials()
    if _hasher.check_needs_rehash(stored):  # argon2-cffi's parameters were raised since
        moderator.password_hash = _hasher.hash(password)
        db.session.commit()
    return moderator_ref(moderator)
