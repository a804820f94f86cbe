"""Creating, listing and re-keying moderators. Tokens are returned once and stored only as
hashes."""

import logging
from dataclasses import dataclass

from sqlalchemy import select

from models import Moderator
from service.accounts import web_sessions
from service.accounts.keys import MODERATOR_TOKEN_PREFIX, display_prefix, generate_key, hash_key
from service.accounts.passwords import ModeratorNotFound
from service.accounts.sites import commit_unique, get_site
from service.extensions import db

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewModerator:
    """A created moderator and their token, which is shown only this once."""

    moderator: Moderator
    token: str


def create_moderator(name: str, site_slugs: list[str]) -> NewModerator:
    """Create a moderator of the named sites with a fresh token."""
    sites = [get_site(slug) for slug in site_slugs]
    token = generate_key(MODERATOR_TOKEN_PREFIX)
    moderator = Moderator(
        name=name, token_hash=hash_key(token), token_prefix=display_prefix(token), sites=sites
    )
    db.session.add(moderator)
    commit_unique(f"A moderator named {name!r} exists already.")
    logger.info("Created moderator %s for %s", name, ", ".join(site_slugs))
    return NewModerator(moderator, token)


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
