"""Training classifiers: the default one on first start, and one from a labelled file."""

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from classifier import (
    LabelledData,
    SklearnClassifier,
    evaluate_classifier,
    load_labelled_file,
    train_classifier,
)
from models import ClassifierVersion
from service.extensions import db
from service.learning import corpus, versions

logger = logging.getLogger(__name__)


def ensure_default_classifier(*, progress: bool = False) -> str:
    """Train and activate the base classifier unless a global version is in force already.

    Several workers may start together on an empty database: the version is named after
    its corpus, so only one insert wins and the others activate the winner.
    """
    active = versions.get_active_version(None)
    if active is not None:
        return active.version
    data = corpus.get_base_corpus()
    name = f"base-{corpus.fingerprint(data)}"
    stored = db.session.scalar(select(ClassifierVersion).where(ClassifierVersion.version == name))
    if stored is None:
        logger.info("No classifier yet: training one on the base corpus (%d)", len(data.labels))
        classifier = train_classifier(data.texts, data.labels, progress=progress)
        try:
            stored = store_trained(classifier, data, {"source": "base corpus"}, version=name)
        except IntegrityError:
            db.session.rollback()
            stored = versions.get_version(name)
    versions.activate_version(stored, site=None, actor="first start")
    db.session.commit()
    return stored.version


def retrain_base(*, progress: bool = False) -> ClassifierVersion:
    """Train a new version on the stored base corpus and put it in force for every site.

    For when the feature code changed (the worker log says so) or the base corpus was edited
    in the database: the corpus stays as it is, only the model is rebuilt.
    """
    stored = train_and_store(corpus.get_base_corpus(), {"source": "base corpus"}, progress)
    versions.activate_version(stored, site=None, actor="moderato train --base")
    db.session.commit()
    return stored


def train_from_file(path: Path, *, progress: bool = False) -> ClassifierVersion:
    """Make a labelled CSV or JSON Lines file the base corpus, train on it, activate it.

    One transaction, written only once training has succeeded: a file that fails to train
    leaves the base corpus and the version in force as they were.
    """
    data = load_labelled_file(path)
    classifier = train_classifier(data.texts, data.labels, progress=progress)
    corpus.replace_base_corpus(data)
    stored = store_trained(classifier, data, {"source": "file", "file": path.name})
    versions.activate_version(stored, site=None, actor="moderato train")
    db.session.commit()
    return stored


def train_and_store(
    data: LabelledData,
    trained_on: dict[str, Any],
    progress: bool,
    *,
    version: str | None = None,
    site_id: int | None = None,
) -> ClassifierVersion:
    """Train on `data` and store the result (not yet in force), in the caller's transaction."""
    classifier = train_classifier(data.texts, data.labels, progress=progress)
    return store_trained(classifier, data, trained_on, version=version, site_id=site_id)


def store_trained(
    classifier: SklearnClassifier,
    data: LabelledData,
    trained_on: dict[str, Any],
    *,
    version: str | None = None,
    site_id: int | None = None,
) -> ClassifierVersion:
    """Store a trained classifier with its metrics on the data it was trained on."""
    metrics = evaluate_classifier(classifier, data.texts, data.labels)
    metrics["evaluated_on"] = "training data"
    counts = {"n": len(data.labels), "n_spam": int(sum(data.labels))}
    return versions.store_classifier(
        classifier,
        trained_on={**trained_on, **counts},
        metrics=metrics,
        version=version,
        site_id=site_id,
    )
