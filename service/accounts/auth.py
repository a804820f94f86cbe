"""Who is calling: a site by its key (`sk_`) or a moderator by their token (`mk_`).

Callers are resolved to small immutable snapshots (`SiteRef`, `ModeratorRef`), never to ORM
rows, so a resolved key can be cached across requests: intake then costs no key lookup. The
cache lives in each process and forgets a key after `ttl` seconds, which bounds how long a
changed key or a moderator's changed sites take to reach every process.
"""

import threading
import time
from dataclasses import dataclass

from sqlalchemy import select

from models import Moderator, Site
from service.accounts.keys import MODERATOR_TOKEN_PREFIX, SITE_KEY_PREFIX, hash_key
from service.errors import Unauthenticated
from service.extensions import db


@dataclass(frozen=True)
class SiteRef:
    """A site as a caller: its id and slug."""

    id: int
    slug: str


@dataclass(frozen=True)
class ModeratorRef:
    """A moderator as a caller: id, name and the sites they moderate."""

    id: int
    name: str
    sites: tuple[SiteRef, ...]

    @property
    def site_ids(self) -> set[int]:
        """Ids of the sites this moderator may see and decide."""
        return {site.id for site in self.sites}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a site by its key, or a moderator by their token."""

    site: SiteRef | None = None
    moderator: ModeratorRef | None = None

    @property
    def site_ids(self) -> set[int]:
        """The sites this caller may reach."""
        if self.site is not None:
            return {self.site.id}
        return self.moderator.site_ids if self.moderator is not None else set()


class PrincipalCache:
    """Resolved keys by hash, each kept for `ttl` seconds; at most `max_size` of them.

    Hand-rolled rather than a caching library: it is a dict with an expiry per entry, shared
    by the threads of one process, and only known keys are stored (an attacker's random keys
    cannot fill it).
    """

    def __init__(self, ttl: float, max_size: int = 10_000):
        self.ttl, self.max_size = ttl, max_size
        self.entries: dict[str, tuple[Principal, float]] = {}
        self.lock = threading.Lock()

    def get(self, key_hash: str) -> Principal | None:
        """The cached principal, if still fresh."""
        entry = self.entries.get(key_hash)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, key_hash: str, principal: Principal) -> None:
        """Remember a resolved key; the whole cache is dropped when it is full."""
        with self.lock:
            if len(self.entries) >= self.max_size:
                self.entries.clear()
            self.entries[key_hash] = (principal, time.monotonic() + self.ttl)

    def clear(self) -> None:
        """Forget every key (tests, and after changing keys in this process)."""
        with self.lock:
            self.entries.clear()


def authenticate_key(key: str, cache: PrincipalCache | None = None) -> Principal:
    """The site or moderator owning `key`, or Unauthenticated."""
    key_hash = hash_key(key)
    principal = cache.get(key_hash) if cache is not None else None
    if principal is None:
        principal = lookup_key(key, key_hash)
        if cache is not None:
            cache.put(key_hash, principal)
    return principal


def lookup_key(key: str, key_hash: str) -> Principal:
    """Resolve a key in the database."""
    if key.startswith(SITE_KEY_PREFIX):
        site = db.session.execute(
            select(Site.id, Site.slug).where(Site.api_key_hash == key_hash)
        ).first()
        if site is not None:
            return Principal(site=SiteRef(site.id, site.slug))
    elif key.startswith(MODERATOR_TOKEN_PREFIX):
        moderator = db.session.scalar(select(Moderator).where(Moderator.token_hash == key_hash))
        if moderator is not None:
            return Principal(moderator=moderator_ref(moderator))
    raise Unauthenticated("Unknown key.")


def moderator_ref(moderator: Moderator) -> ModeratorRef:
    """The snapshot of a moderator row."""
    sites = tuple(SiteRef(site.id, site.slug) for site in moderator.sites)
    return ModeratorRef(moderator.id, moderator.name, sites)
