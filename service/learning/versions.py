"""Classifier versions: store, load, activate (globally or per site), roll back, list."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from classifier.sklearn_classifier import SklearnClassifier
from models import ClassifierActivation, ClassifierVersion, Site, utcnow
from service.errors import Conflict, NotFound
from service.extensions import db

logger = logging.getLogger(__name__)


class VersionNotFound(NotFound):
    message = "No such classifier version."


class NothingToRollBack(Conflict):
    code, message = "nothing_to_roll_back", "There is no earlier version to go back to."


@dataclass(frozen=True)
class ActiveVersion:
    """The id and name of the version a scope uses; cheap to look up on every batch."""

    id: int
    version: str


@dataclass(frozen=True)
class VersionSummary:
    """A stored version with where it is in force, for `moderato classifier list`."""

    version: str
    created_at: datetime
    trained_for: str | None
    trained_on: dict[str, Any]
    metrics: dict[str, Any]
    active_for: list[str]


def get_active_version(site_id: int | None) -> ActiveVersion | None:
    """The version in force for a site: its own activation if any, else the global one."""
    query = (
        select(ClassifierVersion.id, ClassifierVersion.version)
        .join(ClassifierActivation, ClassifierActivation.version_id == ClassifierVersion.id)
        .where(~ClassifierActivation.rolled_back)
        .where((ClassifierActivation.site_id == site_id) | ClassifierActivation.site_id.is_(None))
        .order_by(ClassifierActivation.site_id.is_(None), ClassifierActivation.id.desc())
        .limit(1)
    )
    row = db.session.execute(query).first()
    return ActiveVersion(row.id, row.version) if row else None


def load_classifier(version_id: int) -> SklearnClassifier:
    """Deserialise a stored version, after checking the artefact is the one we stored."""
    stored = db.session.get(ClassifierVersion, version_id)
    if stored is None:
        raise VersionNotFound(f"Classifier version {version_id} is gone.")
    if hashlib.sha256(stored.artefact).hexdigest() != stored.artefact_sha256:
        raise ValueError(f"classifier version {stored.version} does not match its checksum")
    return SklearnClassifier.from_bytes(stored.artefact, version=stored.version)


def store_classifier(
    classifier: SklearnClassifier,
    *,
    trained_on: dict[str, Any],
    metrics: dict[str, Any],
    version: str | None = None,
    site_id: int | None = None,
) -> ClassifierVersion:
    """Save a trained classifier as a new version (not yet in force anywhere)."""
    artefact = classifier.to_bytes()
    digest = hashlib.sha256(artefact).hexdigest()
    stored = ClassifierVersion(
        version=version or new_version_name(digest),
        site_id=site_id,
        artefact=artefact,
        artefact_sha256=digest,
        metrics=metrics,
        trained_on=trained_on,
    )
    db.session.add(stored)
    db.session.flush()
    logger.info("Stored classifier version %s", stored.version)
    return stored


def new_version_name(digest: str) -> str:
    """A sortable name: creation time, the artefact's hash, and a random part, because
    training is deterministic and the same data twice in a second gives the same hash."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{digest[:8]}-{secrets.token_hex(2)}"


def get_version(name: str) -> ClassifierVersion:
    """The stored version called `name`, or VersionNotFound."""
    stored = db.session.scalar(select(ClassifierVersion).where(ClassifierVersion.version == name))
    if stored is None:
        raise VersionNotFound(f"No classifier version {name!r}.")
    return stored


def activate_version(stored: ClassifierVersion, *, site: Site | None, actor: str) -> None:
    """Put `stored` in force for `site` (or globally), in the caller's transaction. Workers
    pick it up within CLASSIFIER_REFRESH_SECONDS of the commit, without a restart."""
    site_id = site.id if site is not None else None
    db.session.add(ClassifierActivation(site_id=site_id, version_id=stored.id, activated_by=actor))
    db.session.flush()
    scope = site.slug if site is not None else "all sites"
    logger.info("Activated classifier version %s for %s (%s)", stored.version, scope, actor)


def activate(name: str, *, site: Site | None, actor: str) -> ClassifierVersion:
    """Put the version called `name` in force for `site` (or globally): one transaction."""
    stored = get_version(name)
    activate_version(stored, site=site, actor=actor)
    db.session.commit()
    return stored


def roll_back(*, site: Site | None) -> ActiveVersion | None:
    """Undo the latest activation of the scope; returns what is in force afterwards.

    A site's last activation may be undone (the site falls back to the global version);
    the global scope always keeps at least one.
    """
    site_id = site.id if site is not None else None
    scope = ClassifierActivation.site_id.is_(None) if site is None else (
        ClassifierActivation.site_id == site_id
    )  # fmt: skip
    live = list(
        db.session.scalars(
            select(ClassifierActivation)
            .where(scope, ~ClassifierActivation.rolled_back)
            .order_by(ClassifierActivation.id.desc())
            .limit(2)
            .with_for_update()
        )
    )
    if not live or (site is None and len(live) < 2):
        db.session.rollback()
        raise NothingToRollBack()
    live[0].rolled_back = True
    live[0].rolled_back_at = utcnow()
    db.session.commit()
    logger.info("Rolled back classifier version %s", live[0].version.version)
    return get_active_version(site_id)


def list_versions() -> list[VersionSummary]:
    """Every stored version, newest first, with the scopes it is in force for."""
    slugs: dict[int, str] = {
        row.id: row.slug for row in db.session.execute(select(Site.id, Site.slug))
    }
    in_force = active_scopes(slugs)
    versions = db.session.scalars(
        select(ClassifierVersion).order_by(ClassifierVersion.created_at.desc())
    )
    return [
        VersionSummary(
            version=v.version,
            created_at=v.created_at,
            trained_for=slugs.get(v.site_id) if v.site_id else None,
            trained_on=v.trained_on,
            metrics=v.metrics,
            active_for=in_force.get(v.id, []),
        )
        for v in versions
    ]


def active_scopes(slugs: dict[int, str]) -> dict[int, list[str]]:
    """version id -> the scopes ('global' or site slugs) where it is in force."""
    latest: dict[int | None, int] = {}
    rows = db.session.execute(
        select(ClassifierActivation.site_id, ClassifierActivation.version_id)
        .where(~ClassifierActivation.rolled_back)
        .order_by(ClassifierActivation.id)
    )
    for site_id, version_id in rows:
        latest[site_id] = version_id
    scopes: dict[int, list[str]] = {}
    for site_id, version_id in latest.items():
        scopes.setdefault(version_id, []).append("global" if site_id is None else slugs[site_id])
    return scopes
