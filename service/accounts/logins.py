"""The failed-login limit: after too many failures a name, or an address, must wait.

Failures are rows in the database (models.LoginFailure), so every web process and every host
sees the same count; nothing is kept in one process's memory. Two subjects are counted: the
name tried from one address (someone guessing one moderator's password), and the address
alone (someone trying many names). A limited login is refused before its password is checked,
so guessing gets no answer at all while the limit holds.

Hand-rolled rather than Flask-Limiter: that counts requests, in a process's memory or in
Redis, where this counts failures per name and address, must work in the embedded set-up
(no Redis), and forgets a name's failures when its password is then given right.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from models import LoginFailure, utcnow
from service.accounts.auth import ModeratorRef, authenticate_key
from service.accounts.passwords import WrongCredentials, check_password
from service.errors import DomainError, Unauthenticated
from service.extensions import db

logger = logging.getLogger(__name__)

TOKEN_SUBJECT = "(token)"  # noqa: S105 - not a secret: the name API-token logins count under


@dataclass(frozen=True)
class LoginLimits:
    """How many failures are allowed within `window_seconds`, per name+address and per address."""

    per_name: int = 5
    per_address: int = 20
    window_seconds: float = 15 * 60


class TooManyFailedLogins(DomainError):
    code, message = "rate_limited", "Too many failed logins; try again later."

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


def subjects(name: str, address: str) -> tuple[str, str]:
    """The two counters a login attempt touches."""
    return f"name:{name.strip().lower()[:100]}@{address}", f"addr:{address}"


def check_allowed(name: str, address: str, limits: LoginLimits) -> None:
    """Raise TooManyFailedLogins if either counter is at its limit."""
    by_name, by_address = subjects(name, address)
    since = utcnow() - timedelta(seconds=limits.window_seconds)
    counts = dict(
        db.session.execute(
            select(LoginFailure.subject, func.count())
            .where(LoginFailure.subject.in_((by_name, by_address)), LoginFailure.created_at > since)
            .group_by(LoginFailure.subject)
        ).all()
    )
    if counts.get(by_name, 0) >= limits.per_name or counts.get(by_address, 0) >= limits.per_address:
        logger.warning("Login refused: too many failures for %s", by_name)
        raise TooManyFailedLogins(retry_after=int(limits.window_seconds))


def token_login_allowed(address: str, limits: LoginLimits) -> bool:
    """Whether a sign-in with an API token from `address` would be tried now: a name's limit
    leaves it open, the address's limit does not."""
    try:
        check_allowed(TOKEN_SUBJECT, address, limits)
    except TooManyFailedLogins:
        return False
    return True


def record_failure(name: str, address: str, limits: LoginLimits) -> None:
    """Count a failed login against both subjects, forgetting failures older than the window."""
    now = utcnow()
    by_name, by_address = subjects(name, address)
    cutoff = now - timedelta(seconds=limits.window_seconds)
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.subject.in_((by_name, by_address)), LoginFailure.created_at <= cutoff
        )
    )
    db.session.add_all(
        [
            LoginFailure(subject=by_name, created_at=now),
            LoginFailure(subject=by_address, created_at=now),
        ]
    )
    db.session.commit()


def clear_failures(name: str, address: str) -> None:
    """A successful login forgets the name's failures from that address."""
    by_name, _ = subjects(name, address)
    db.session.execute(delete(LoginFailure).where(LoginFailure.subject == by_name))
    db.session.commit()


def log_in_with_password(
    name: str, password: str, address: str, limits: LoginLimits
) -> ModeratorRef:
    """The moderator if the name and password match and the limit allows trying; the failure
    is counted otherwise."""
    check_allowed(name, address, limits)
    try:
        moderator = check_password(name, password)
    except WrongCredentials:
        record_failure(name, address, limits)
        raise
    clear_failures(name, address)
    return moderator


def log_in_with_token(token: str, address: str, limits: LoginLimits) -> ModeratorRef:
    """The moderator owning this API token (a site key is refused), under the same limit."""
    check_allowed(TOKEN_SUBJECT, address, limits)
    try:
        principal = authenticate_key(token)
    except Unauthenticated as error:
        record_failure(TOKEN_SUBJECT, address, limits)
        raise WrongCredentials() from error
    if principal.moderator is None:
        record_failure(TOKEN_SUBJECT, address, limits)
        raise WrongCredentials()
    return principal.moderator
