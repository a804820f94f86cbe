"""Bearer keys on API views: who may call which view."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, request

from service.accounts.auth import (
    ModeratorRef,
    Principal,
    PrincipalCache,
    SiteRef,
    authenticate_key,
)
from service.errors import Forbidden, Unauthenticated

F = TypeVar("F", bound=Callable[..., Any])
CACHE_EXTENSION = "moderato.principals"
ALLOWED_KEYS = "allowed_keys"  # on a view: the kinds of key `require` lets in (for OpenAPI)


def init_app(app: Flask) -> None:
    """Give the app its cache of resolved keys (one per process)."""
    app.extensions[CACHE_EXTENSION] = PrincipalCache(float(app.config["KEY_CACHE_SECONDS"]))


def authenticate() -> Principal:
    """Identify the caller from the Authorization header, or raise Unauthenticated."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthenticated("Send 'Authorization: Bearer <key>'.")
    return authenticate_key(key.strip(), current_app.extensions.get(CACHE_EXTENSION))


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

        kinds = {"site": site, "moderator": moderator}
        allowed = frozenset(kind for kind, wanted in kinds.items() if wanted)
        setattr(wrapped, ALLOWED_KEYS, allowed)
        return cast(F, wrapped)

    return decorator


def current_principal() -> Principal:
    """The caller of the current request, set by `require`."""
    return cast(Principal, g.principal)


def current_site() -> SiteRef:
    """The calling site, on views that `require(site=True)` only."""
    site = current_principal().site
    if site is None:
        raise Forbidden("A site key is required here.")
    return site


def current_moderator() -> ModeratorRef:
    """The calling moderator, on views that `require(moderator=True)` only."""
    moderator = current_principal().moderator
    if moderator is None:
        raise Forbidden("A moderator token is required here.")
    return moderator


def allowed_keys(view: Callable[..., Any]) -> frozenset[str]:
    """The kinds of key a view takes ("site", "moderator"); empty for an open view."""
    return frozenset(getattr(view, ALLOWED_KEYS, frozenset()))
