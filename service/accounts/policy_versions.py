"""Saving a site's policy as versions: the only writer of the site's policy columns.

Every change of a site's policy is a new version recording who made it, when, and the keys
it changed (before and after); versions are never edited or deleted. The site's policy
columns (`Site.auto_reject_above`, `auto_approve_below`, `moderation_mode`,
`hold_unfamiliar_below`, `close_after_days`) are a read model of the latest version for the
hot paths (the worker's facts, intake, the Akismet path): this module writes them, in the
same transaction as the version, and nothing else does.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Site, SitePolicyVersion
from service.accounts.auth import ModeratorRef
from service.accounts.policy_document import POLICY_KEYS, load_policy_document
from service.errors import NotFound, StaleVersion
from service.extensions import db

logger = logging.getLogger(__name__)

# Called with the site after a version is saved and committed, by whoever keeps a copy of
# what a policy says (intake's closed articles); a failure is logged, the version is saved.
SAVED_LISTENERS: list[Callable[[Site], None]] = []


@dataclass(frozen=True)
class PolicyActor:
    """Who saves a version: a moderator (with their id), or a named process."""

    name: str
    moderator_id: int | None = None

    @classmethod
    def of(cls, moderator: ModeratorRef) -> "PolicyActor":
        """A moderator as the author of a version."""
        return cls(moderator.name, moderator.id)


OPERATOR = PolicyActor("operator")  # the CLI
CLASSIFIER = PolicyActor("classifier")  # calibration (`thresholds suggest --apply`)


class StalePolicy(StaleVersion):
    message = "The policy has changed since you read it (If-Match is stale)."


class PolicyVersionNotFound(NotFound):
    message = "No such version of this site's policy."


def get_current_version(site: Site) -> SitePolicyVersion:
    """The site's policy in force (its latest version)."""
    current = db.session.scalar(
        select(SitePolicyVersion).where(
            SitePolicyVersion.site_id == site.id, SitePolicyVersion.version == site.policy_version
        )
    )
    if current is None:  # every site is created with version 1; cannot happen
        raise PolicyVersionNotFound(f"Site {site.slug!r} has no policy version.")
    return current


def update_policy(site: Site, changes: dict[str, Any], actor: PolicyActor) -> SitePolicyVersion:
    """Change some keys of a site's policy, keeping the others, as a new version (the CLI's
    `sites update`, calibration). Commits."""
    current = get_current_version(site).document
    document = load_policy_document({**current, **changes})
    return save_policy(site, document, actor)


def save_policy(
    site: Site,
    document: dict[str, Any],
    actor: PolicyActor,
    *,
    expected_version: int | None = None,
) -> SitePolicyVersion:
    """Write a valid document as the site's next version and copy it to the site's columns,
    in one transaction (commits). A rival save of the same version number fails the unique
    constraint and is StalePolicy."""
    current = get_current_version(site)
    if expected_version is not None and expected_version != current.version:
        raise StalePolicy()
    diff = diff_documents(current.document, document)
    if not diff:
        return current
    saved = SitePolicyVersion(
        site_id=site.id, version=current.version + 1, document=document, diff=diff,
        created_by=actor.name, created_by_id=actor.moderator_id,
    )  # fmt: skip
    db.session.add(saved)
    write_read_model(site, document, saved.version)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise StalePolicy() from error
    notify_saved(site)
    logger.info(
        "Policy of %s: version %s by %s (%s)", site.slug, saved.version, actor.name,
        ", ".join(diff), extra={"site_id": site.id},
    )  # fmt: skip
    return saved


def notify_saved(site: Site) -> None:
    """Tell the listeners that the site's policy changed."""
    for listener in SAVED_LISTENERS:
        try:
            listener(site)
        except Exception:  # deliberately broad: the version is committed; log and go on
            logger.exception("A listener of saved policies failed")


def first_version(
    site: Site, document: dict[str, Any], actor: PolicyActor = OPERATOR
) -> SitePolicyVersion:
    """Version 1 of a new site's policy (in the caller's transaction; the site is flushed
    and its columns already hold `document`)."""
    version = SitePolicyVersion(
        site_id=site.id, version=1, document=document, diff=diff_documents({}, document),
        created_by=actor.name, created_by_id=actor.moderator_id,
    )  # fmt: skip
    db.session.add(version)
    return version


def write_read_model(site: Site, document: dict[str, Any], version: int) -> None:
    """Copy the document to the columns the hot paths read."""
    for key in POLICY_KEYS:
        setattr(site, key, document[key])
    site.policy_version = version


def diff_documents(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Each key whose value changed, with its value before (None if absent) and after."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after), key=key_order)
        if before.get(key) != after.get(key)
    }


def key_order(key: str) -> tuple[int, str]:
    """Known keys in the document's order, then any others."""
    return (POLICY_KEYS.index(key), key) if key in POLICY_KEYS else (len(POLICY_KEYS), key)
