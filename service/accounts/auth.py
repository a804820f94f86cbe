"""Who is calling: a site by its key (`sk_`) or a moderator by their token (`mk_`).

Callers are resolved to small immutable snapshots (`SiteRef`, `ModeratorRef`), never to ORM
rows, so a resolved key can be cached across requests: intake then costs no key lookup. The
cache lives in each process and forgets a key after `ttl` seconds, which bounds how long a
changed key or a moderator's changed sites take to reach every process.
"""

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import select

from models import Moderator, PolicyDefaults, Site, SiteRole, moderator_sites
from service.accounts.keys import (
    MODERATOR_TOKEN_PREFIX,
    SITE_KEY_PREFIX,
    hash_akismet_key,
    hash_key,
    normalise_akismet_key,
)
from service.errors import Unauthenticated
from service.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class SiteRef:
    """A site as a caller: its id and slug."""

    id: int
    slug: str


@dataclass(frozen=True)
class ModeratorRef:
    """A moderator as a caller: id, name, the sites they moderate and those they are an
    admin of (who may change the site's policy and articles)."""

    id: int
    name: str
    sites: tuple[SiteRef, ...]
    admin_site_ids: frozenset[int] = frozenset()

    @property
    def site_ids(self) -> set[int]:
        """Ids of the sites this moderator may see and decide."""
        return {site.id for site in self.sites}

    def is_admin_of(self, site_id: int) -> bool:
        """Whether this moderator is an admin of the site."""
        return site_id in self.admin_site_ids


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


class KeyCache(Generic[T]):
    """Resolved keys by hash, each kept for `ttl` seconds; at most `max_size` of them.

    Hand-rolled rather than a caching library: it is a dict with an expiry per entry, shared
    by the threads of one process, and only known keys are stored (an attacker's random keys
    cannot fill it).
    """

    def __init__(self, ttl: float, max_size: int = 10_000):
        self.ttl, self.max_size = ttl, max_size
        self.entries: dict[str, tuple[T, float]] = {}
        self.lock = threading.Lock()

    def get(self, key_hash: str) -> T | None:
        """The cached value, if still fresh."""
        entry = self.entries.get(key_hash)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, key_hash: str, value: T) -> None:
        """Remember a resolved key; the whole cache is dropped when it is full."""
        with self.lock:
            if len(self.entries) >= self.max_size:
                self.entries.clear()
            self.entries[key_hash] = (value, time.monotonic() + self.ttl)

    def clear(self) -> None:
        """Forget every key (tests, and after changing keys in this process)."""
        with self.lock:
            self.entries.clear()


PrincipalCache = KeyCache[Principal]


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
    """The snapshot of a moderator row, with their roles."""
    sites = tuple(SiteRef(site.id, site.slug) for site in moderator.sites)
    admin_of = db.session.scalars(
        select(moderator_sites.c.site_id).where(
            moderator_sites.c.moderator_id == moderator.id,
            moderator_sites.c.role == SiteRole.ADMIN,
        )
    )
    return ModeratorRef(moderator.id, moderator.name, sites, frozenset(admin_of))


@dataclass(frozen=True)
class AkismetSite:
    """A site as an Akismet-protocol caller: who it is and the settings a check applies."""

    id: int
    slug: str
    auto_reject_above: float
    auto_approve_below: float
    moderation_mode: str
    discard: bool
    hold_unfamiliar_below: float = PolicyDefaults.HOLD_UNFAMILIAR_BELOW


def authenticate_akismet_key(
    key: str | None, cache: "KeyCache[AkismetSite] | None" = None
) -> AkismetSite:
    """The site owning an Akismet-compatible key, or Unauthenticated (saying why).

    With a `cache`, a resolved key is reused for its TTL (KEY_CACHE_SECONDS, as for the JSON
    API's keys): a check then costs no key lookup, and a rotated key or a changed policy
    reaches every process within that time.
    """
    if not key:
        raise Unauthenticated('Empty "api_key" value')
    normalised = normalise_akismet_key(key)
    if normalised is None:
        raise Unauthenticated("An Akismet key is 12 hexadecimal digits")
    # The cache is keyed by a fast digest held in this process's memory only; the slow,
    # stored scrypt digest is computed on a miss, so a check pays it once per key and TTL
    # (10 ms of CPU each time: paid per request, it capped a 2-core machine at ~100 checks/s).
    cache_key = hashlib.sha256(normalised.encode()).hexdigest()
    site = cache.get(cache_key) if cache is not None else None
    if site is None:
        site = lookup_akismet_key(hash_akismet_key(normalised))
        if cache is not None:
            cache.put(cache_key, site)
    return site


def lookup_akismet_key(key_hash: str) -> AkismetSite:
    """Resolve an Akismet key in the database, with the policy a check applies."""
    row = db.session.execute(
        select(
            Site.id, Site.slug, Site.auto_reject_above, Site.auto_approve_below,
            Site.moderation_mode, Site.akismet_discard, Site.hold_unfamiliar_below,
        ).where(Site.akismet_key_hash == key_hash)
    ).first()  # fmt: skip
    if row is None:
        raise Unauthenticated("No site has this key")
    return AkismetSite(*row)
