"""Bearer-key authentication: site keys (`sk_`) and moderator tokens (`mk_`)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request
from sqlalchemy import select

from models import Moderator, Site
from service.errors import Forbidden, Unauthorized
from service.extensions import db
from service.keys import MODERATOR_TOKEN_PREFIX, SITE_KEY_PREFIX, hash_key

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Principal:
    """Who is calling: a site by its key, or a moderator by their token."""

    site: Site | None = None
    moderator: Moderator | None = None

    @property
    def site_ids(self) -> set[int]:
        """The sites this caller may reach."""
        if self.site is not None:
            return {self.site.id}
        return self.moderator.site_ids if self.moderator is not None else set()


def authenticate() -> Principal:
    """Identify the caller from the Authorization header, or raise 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("Send 'Authorization: Bearer <key>'.")
    key = key.strip()
    if key.startswith(SITE_KEY_PREFIX):
        site = db.session.scalar(select(Site).where(Site.api_key_hash == hash_key(key)))
        if site is not None:
            return Principal(site=site)
    elif key.startswith(MODERATOR_TOKEN_PREFIX):
        moderator = db.session.scalar(
            select(Moderator).where(Moderator.token_hash == hash_key(key))
        )
        if moderator is not None:
            return Principal(moderator=moderator)
    raise Unauthorized("Unknown key.")


def require(*, site: bool = False, moderator: bool = False) -> Callable[[F], F]:
    """Allow only the named kinds of key on a view; the principal is put on `g.principal`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = authenticate()
            if (principal.site is not None and not site) or (
                principal.moderator is not None and not moderator
            ):
                kind = "site key" if principal.site is not None else "moderator token"
                raise Forbidden(f"A {kind} is not allowed here.")
            g.principal = principal
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def current_principal() -> Principal:
    """The caller of the current request, set by `require`."""
    return cast(Principal, g.principal)


def current_site() -> Site:
    """The calling site, on views that `require(site=True)` only."""
    site = current_principal().site
    if site is None:
        raise Forbidden("A site key is required here.")
    return site


def current_moderator() -> Moderator:
    """The calling moderator, on views that `require(moderator=True)` only."""
    moderator = current_principal().moderator
    if moderator is None:
        raise Forbidden("A moderator token is required here.")
    return moderator
