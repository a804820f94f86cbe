"""First start of the embedded set-up: a demo site and moderator on an empty database."""

from dataclasses import dataclass

from sqlalchemy import func, select

from models import Moderator, Site, SiteRole
from service.accounts.moderators import create_moderator
from service.accounts.passwords import generate_password, set_password
from service.accounts.sites import create_site
from service.extensions import db

DEMO_SITE_NAME = "Demo Gazette"
DEMO_MODERATOR = "demo-moderator"


@dataclass(frozen=True)
class DemoCredentials:
    """Keys of the demo site and moderator; printed once, never stored in clear."""

    site_slug: str
    site_key: str
    akismet_key: str
    moderator_name: str
    moderator_token: str
    moderator_password: str  # for the web UI at /moderate/


def create_demo_if_empty() -> DemoCredentials | None:
    """Create the demo site and its moderator (an admin of it) if there are no sites at all."""
    if db.session.scalar(select(func.count(Site.id))):
        return None
    new_site = create_site(DEMO_SITE_NAME)
    new_moderator = create_moderator(DEMO_MODERATOR, [new_site.site.slug], SiteRole.ADMIN)
    password = generate_password()
    set_password(DEMO_MODERATOR, password)
    return DemoCredentials(
        new_site.site.slug, new_site.api_key, new_site.akismet_key, DEMO_MODERATOR,
        new_moderator.token, password,
    )  # fmt: skip


def demo_moderator_name() -> str | None:
    """The demo moderator's name, if that moderator still exists (shown on every start)."""
    return db.session.scalar(select(Moderator.name).where(Moderator.name == DEMO_MODERATOR))
