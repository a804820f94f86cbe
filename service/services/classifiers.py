"""Classifier versions: train, store in the database, activate, load."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from models import ClassifierVersion, utcnow
from service.extensions import db
from workers.classifier import (
    LabelledData,
    SklearnClassifier,
    evaluate_classifier,
    load_labelled_file,
    load_seed_corpus,
    train_classifier,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActiveVersion:
    """The id and name of the version a scope uses; cheap to look up on every batch."""

    id: int
    version: str


def get_active_version(site_id: int | None) -> ActiveVersion | None:
    """The site's own active version if it has one, else the global one."""
    query = (
        select(ClassifierVersion.id, ClassifierVersion.version)
        .where(ClassifierVersion.is_active)
        .where((ClassifierVersion.site_id == site_id) | ClassifierVersion.site_id.is_(None))
        .order_by(ClassifierVersion.site_id.is_(None))
        .limit(1)
    )
    row = db.session.execute(query).first()
    return ActiveVersion(row.id, row.version) if row else None


def load_classifier(version_id: int) -> SklearnClassifier:
    """Deserialise a stored version, after checking the artefact is the one we stored."""
    stored = db.session.get(ClassifierVersion, version_id)
    if stored is None:
        raise LookupError(f"classifier version {version_id} is gone")
    artefact, version, digest = stored.artefact, stored.version, stored.artefact_sha256
    if hashlib.sha256(artefact).hexdigest() != digest:
        raise ValueError(f"classifier version {version} does not match its checksum")
    return SklearnClassifier.from_bytes(artefact, version=version)


def store_classifier(
    classifier: SklearnClassifier,
    *,
    trained_on: dict[str, Any],
    metrics: dict[str, Any],
    version: str | None = None,
    site_id: int | None = None,
) -> ClassifierVersion:
    """Save a trained classifier as a new, inactive version."""
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
    db.session.commit()
    logger.info("Stored classifier version %s", stored.version)
    return stored


def activate_version(stored: ClassifierVersion) -> None:
    """Make `stored` the active version of its scope (global or one site)."""
    scope = (
        ClassifierVersion.site_id.is_(None)
        if stored.site_id is None
        else ClassifierVersion.site_id == stored.site_id
    )
    db.session.execute(
        update(ClassifierVersion)
        .where(scope, ClassifierVersion.is_active)
        .values(is_active=False)
        .execution_options(synchronize_session=False)
    )
    stored.is_active = True
    stored.activated_at = utcnow()
    db.session.commit()
    logger.info("Activated classifier version %s", stored.version)


def new_version_name(digest: str) -> str:
    """A sortable, unique name: creation time and the artefact's hash."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{digest[:8]}"


def seed_corpus_digest() -> str:
    """A fingerprint of the seed corpus; the default version is named after it."""
    seed = resources.files("workers.classifier").joinpath("seed/comments.jsonl")
    return hashlib.sha256(seed.read_bytes()).hexdigest()[:12]


def ensure_default_classifier(*, progress: bool = False) -> str:
    """Train and activate the seed classifier unless a global version is active already.

    Several workers may start together on an empty database: the version name is derived
    from the corpus, so only one insert wins and the others use the winner's version.
    """
    active = get_active_version(None)
    if active is not None:
        return active.version
    name = f"seed-{seed_corpus_digest()}"
    existing = db.session.scalar(select(ClassifierVersion).where(ClassifierVersion.version == name))
    if existing is None:
        logger.info("No classifier yet: training the default one from the seed corpus")
        data = load_seed_corpus()
        try:
            existing = train_and_store(data, {"source": "seed corpus"}, progress, name)
        except IntegrityError:
            db.session.rollback()
            existing = db.session.scalars(
                select(ClassifierVersion).where(ClassifierVersion.version == name)
            ).one()
    try:
        activate_version(existing)
    except IntegrityError:  # another process activated one meanwhile: theirs stands
        db.session.rollback()
    active = get_active_version(None)
    assert active is not None  # noqa: S101 - one of the two branches above activated one
    return active.version


def train_from_file(path: Path, *, progress: bool = False) -> ClassifierVersion:
    """Train on a labelled CSV or JSON Lines file and make it the active global version."""
    data = load_labelled_file(path)
    stored = train_and_store(data, {"source": "file", "path": str(path)}, progress)
    activate_version(stored)
    return stored


def train_and_store(
    data: LabelledData, trained_on: dict[str, Any], progress: bool, version: str | None = None
) -> ClassifierVersion:
    """Train on `data`, measure it on what it saw, store it inactive."""
    classifier = train_classifier(data.texts, data.labels, progress=progress)
    metrics = evaluate_classifier(classifier, data.texts, data.labels)
    metrics["evaluated_on"] = "training data"
    counts = {"n": len(data.labels), "n_spam": sum(data.labels)}
    return store_classifier(
        classifier, trained_on={**trained_on, **counts}, metrics=metrics, version=version
    )
