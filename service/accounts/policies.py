"""A site's policy as moderators and operators reach it: read it, replace it, list its
versions and restore one. Only a site's admins change it (service/accounts/policy_versions.py
saves the versions)."""

from typing import Any

from sqlalchemy import select

from models import Site, SitePolicyVersion
from service.accounts.auth import ModeratorRef
from service.accounts.policy_document import load_policy_document
from service.accounts.policy_versions import (
    PolicyActor,
    PolicyVersionNotFound,
    get_current_version,
    save_policy,
)
from service.accounts.sites import SiteNotFound, get_site
from service.errors import Forbidden
from service.extensions import db


class NotSiteAdmin(Forbidden):
    message = "Only an admin of this site may change it."


def site_of(slug: str, moderator: ModeratorRef | None, *, admin: bool = False) -> Site:
    """The site, as `moderator` may reach it (None: an operator, who reaches every site).

    A site the moderator does not moderate is not found; one they are not an admin of is
    Forbidden when `admin` is asked for."""
    site = get_site(slug)
    if moderator is None:
        return site
    if site.id not in moderator.site_ids:
        raise SiteNotFound(f"No site with slug {slug!r}.")
    if admin and not moderator.is_admin_of(site.id):
        raise NotSiteAdmin()
    return site


def get_policy(slug: str, moderator: ModeratorRef | None = None) -> SitePolicyVersion:
    """The policy in force on a site the caller moderates."""
    return get_current_version(site_of(slug, moderator))


def list_versions(slug: str, moderator: ModeratorRef | None = None) -> list[SitePolicyVersion]:
    """Every version of a site's policy, newest first, with its diff."""
    site = site_of(slug, moderator)
    return list(
        db.session.scalars(
            select(SitePolicyVersion)
            .where(SitePolicyVersion.site_id == site.id)
            .order_by(SitePolicyVersion.version.desc())
        )
    )


def set_policy(
    slug: str,
    data: Any,
    actor: PolicyActor,
    *,
    moderator: ModeratorRef | None = None,
    expected_version: int | None = None,
) -> SitePolicyVersion:
    """Replace a site's policy with the document `data` (keys left out take their defaults),
    as a new version. Only a site admin may (when `moderator` is given); an
    `expected_version` other than the current one is StalePolicy. A document that changes
    nothing saves no version. Invalid input changes nothing (InvalidInput naming each field)."""
    site = site_of(slug, moderator, admin=True)
    document = load_policy_document(data)
    return save_policy(site, document, actor, expected_version=expected_version)


def restore_version(
    slug: str,
    version: int,
    actor: PolicyActor,
    *,
    moderator: ModeratorRef | None = None,
    expected_version: int | None = None,
) -> SitePolicyVersion:
    """Save a new version whose document is that of `version` (admins only)."""
    site = site_of(slug, moderator, admin=True)
    old = db.session.scalar(
        select(SitePolicyVersion).where(
            SitePolicyVersion.site_id == site.id, SitePolicyVersion.version == version
        )
    )
    if old is None:
        raise PolicyVersionNotFound(f"Site {slug!r} has no policy version {version}.")
    # Checked again: an old version may lack keys added since, which take their defaults.
    document = load_policy_document(old.document)
    return save_policy(site, document, actor, expected_version=expected_version)
