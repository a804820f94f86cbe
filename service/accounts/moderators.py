"""Creating, listing and re-keying moderators. Tokens are returned once and stored only as
hashes."""

import logging
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from models import Moderator, Site, SiteRole, moderator_sites
from service.accounts import web_sessions
from service.accounts.keys import MODERATOR_TOKEN_PREFIX, display_prefix, generate_key, hash_key
from service.accounts.passwords import ModeratorNotFound
from service.accounts.sites import commit_unique, get_site
from service.errors import AlreadyExists, InvalidInput
from service.extensions import db

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewModerator:
    """A created moderator and their token, which is shown only this once."""

    moderator: Moderator
    token: str


def create_moderator(
    name: str, site_slugs: list[str], role: str = SiteRole.MODERATOR
) -> NewModerator:
    """Create a moderator of the named sites, with `role` on each, and a fresh token."""
    check_role(role)
    sites = [get_site(slug) for slug in site_slugs]
    token = generate_key(MODERATOR_TOKEN_PREFIX)
    moderator = Moderator(
        name=name, token_hash=hash_key(token), token_prefix=display_prefix(token), sites=sites
    )
    db.session.add(moderator)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise AlreadyExists(f"A moderator named {name!r} exists already.") from error
    set_links_role(moderator.id, [site.id for site in sites], role)
    commit_unique(f"A moderator named {name!r} exists already.")
    logger.info("Created moderator %s (%s) for %s", name, role, ", ".join(site_slugs))
    return NewModerator(moderator, token)


def set_role(name: str, site_slug: str, role: str) -> None:
    """Give a moderator `role` on a site, assigning them to it if they were not yet.

    Running processes may go on with the old role for up to KEY_CACHE_SECONDS (resolved
    tokens are cached), as for any changed key."""
    check_role(role)
    moderator, site = get_moderator(name), get_site(site_slug)
    if site not in moderator.sites:
        moderator.sites.append(site)
        db.session.flush()
    set_links_role(moderator.id, [site.id], role)
    db.session.commit()
    logger.info("Moderator %s is %s of %s", name, role, site_slug)


def set_links_role(moderator_id: int, site_ids: list[int], role: str) -> None:
    """Write `role` on the moderator's links to these sites (in the caller's transaction)."""
    if site_ids:
        db.session.execute(
            update(moderator_sites)
            .where(
                moderator_sites.c.moderator_id == moderator_id,
                moderator_sites.c.site_id.in_(site_ids),
            )
            .values(role=role)
        )


def roles_of(moderator_id: int) -> dict[str, str]:
    """The moderator's role on each of their sites, by site slug."""
    rows = db.session.execute(
        select(Site.slug, moderator_sites.c.role)
        .join(moderator_sites, moderator_sites.c.site_id == Site.id)
        .where(moderator_sites.c.moderator_id == moderator_id)
        .order_by(Site.slug)
    )
    return {slug: role for slug, role in rows}


def check_role(role: str) -> None:
    """`admin` or `moderator`."""
    if role not in SiteRole.ALL:
        raise InvalidInput(f"role must be one of {SiteRole.ALL}", fields={"role": "Unknown role."})


def list_moderators() -> list[Moderator]:
    """Every moderator, by name, with their sites (no secrets: only hashes are kept)."""
    return list(db.session.scalars(select(Moderator).order_by(Moderator.name)))


def get_moderator(name: str) -> Moderator:
    """The moderator with this name, or ModeratorNotFound."""
    moderator = db.session.scalar(select(Moderator).where(Moderator.name == name))
    if moderator is None:
        raise ModeratorNotFound(f"No moderator named {name!r}.")
    return moderator


def reset_token(name: str) -> str:
    """Give the moderator a new API token and return it; the old one stops working.

    Their web sessions end too: one may have been signed in with the old token, which is
    what a reset is for (a lost or leaked token). Running processes may accept the old token
    for up to KEY_CACHE_SECONDS more, as for any changed key.
    """
    moderator = get_moderator(name)
    token = generate_key(MODERATOR_TOKEN_PREFIX)
    moderator.token_hash, moderator.token_prefix = hash_key(token), display_prefix(token)
    web_sessions.end_all_sessions(moderator.id)
    commit_unique("That token is taken; run the command again.")  # 256 random bits: never seen
    logger.info("New token for moderator %s", name, extra={"moderator_id": moderator.id})
    return token
