"""Creating moderators. Tokens are returned once and stored only as hashes."""

import logging
from dataclasses import dataclass

from models import Moderator
from service.accounts.keys import MODERATOR_TOKEN_PREFIX, display_prefix, generate_key, hash_key
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
