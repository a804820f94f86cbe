"""Creating and changing sites. Keys are returned once and stored only as hashes."""

import logging
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import PolicyDefaults, Site
from service.accounts.keys import (
    SITE_KEY_PREFIX,
    display_prefix,
    generate_akismet_key,
    generate_key,
    hash_akismet_key,
    hash_key,
)
from service.accounts.policy_document import load_policy_document
from service.accounts.policy_versions import (
    OPERATOR,
    PolicyActor,
    first_version,
    update_policy,
    write_read_model,
)
from service.errors import AlreadyExists, NotFound
from service.extensions import db

logger = logging.getLogger(__name__)


class SiteNotFound(NotFound):
    message = "No such site."


@dataclass(frozen=True)
class NewSite:
    """A created site and its keys (API and Akismet-compatible), shown only this once."""

    site: Site
    api_key: str
    akismet_key: str


def slugify(name: str) -> str:
    """'Il Quotidiano' -> 'il-quotidiano'; accents folded to ASCII."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:80] or "site"


def create_site(
    name: str,
    *,
    slug: str | None = None,
    moderation_mode: str = PolicyDefaults.MODERATION_MODE,
    auto_reject_above: float = PolicyDefaults.AUTO_REJECT_ABOVE,
    auto_approve_below: float = PolicyDefaults.AUTO_APPROVE_BELOW,
    hold_unfamiliar_below: float = PolicyDefaults.HOLD_UNFAMILIAR_BELOW,
    actor: PolicyActor = OPERATOR,
) -> NewSite:
    """Create a site with fresh keys and version 1 of its policy."""
    document = load_policy_document(
        {
            "moderation_mode": moderation_mode,
            "auto_reject_above": auto_reject_above,
            "auto_approve_below": auto_approve_below,
            "hold_unfamiliar_below": hold_unfamiliar_below,
        }
    )
    api_key, akismet_key = generate_key(SITE_KEY_PREFIX), generate_akismet_key()
    site = Site(
        name=name,
        slug=slug or slugify(name),
        api_key_hash=hash_key(api_key),
        api_key_prefix=display_prefix(api_key),
        akismet_key_hash=hash_akismet_key(akismet_key),
    )
    write_read_model(site, document, 1)
    db.session.add(site)
    message = f"A site with slug {site.slug!r} exists already."
    flush_unique(message)
    first_version(site, document, actor)
    commit_unique(message)
    logger.info("Created site %s", site.slug, extra={"site_id": site.id})
    return NewSite(site, api_key, akismet_key)


def rotate_api_key(slug: str) -> str:
    """Give the site a new API key (sk_) and return it. The old one stops working at once in
    new processes, and within KEY_CACHE_SECONDS in running ones (they cache resolved keys)."""
    site = get_site(slug)
    key = generate_key(SITE_KEY_PREFIX)
    site.api_key_hash, site.api_key_prefix = hash_key(key), display_prefix(key)
    commit_unique("That key is taken; run the command again.")  # 256 random bits: never seen
    logger.info("New API key for site %s", slug, extra={"site_id": site.id})
    return key


def rotate_akismet_key(slug: str) -> str:
    """Give the site a new Akismet-compatible key and return it. The old one stops working
    at once: Akismet keys are looked up on every request, never cached."""
    site = get_site(slug)
    key = generate_akismet_key()
    site.akismet_key_hash = hash_akismet_key(key)
    commit_unique("That key is taken; run the command again.")  # 48 random bits: never seen
    logger.info("New Akismet key for site %s", slug, extra={"site_id": site.id})
    return key


def update_site(
    slug: str,
    *,
    moderation_mode: str | None = None,
    auto_reject_above: float | None = None,
    auto_approve_below: float | None = None,
    akismet_discard: bool | None = None,
    hold_unfamiliar_below: float | None = None,
    actor: PolicyActor = OPERATOR,
) -> Site:
    """Change a site's policy (as a new version of it, by `actor`) or its Akismet discard
    opt-in; unchanged settings keep their values. Takes effect for comments classified from
    now on."""
    site = get_site(slug)
    if akismet_discard is not None:
        site.akismet_discard = akismet_discard
    changes = {
        "moderation_mode": moderation_mode,
        "auto_reject_above": auto_reject_above,
        "auto_approve_below": auto_approve_below,
        "hold_unfamiliar_below": hold_unfamiliar_below,
    }
    update_policy(site, {key: value for key, value in changes.items() if value is not None}, actor)
    db.session.commit()  # the discard opt-in, when the policy did not change
    logger.info(
        "Updated site %s: %s, reject >= %s, approve < %s", slug, site.moderation_mode,
        site.auto_reject_above, site.auto_approve_below,
    )  # fmt: skip
    return site


def list_sites() -> list[Site]:
    """Every site, by slug."""
    return list(db.session.scalars(select(Site).order_by(Site.slug)))


def get_site(slug: str) -> Site:
    """The site with this slug, or SiteNotFound."""
    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        raise SiteNotFound(f"No site with slug {slug!r}.")
    return site


def flush_unique(message: str) -> None:
    """Flush, turning a unique-constraint violation into AlreadyExists."""
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise AlreadyExists(message) from error


def commit_unique(message: str) -> None:
    """Commit, turning a unique-constraint violation into AlreadyExists."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise AlreadyExists(message) from error
