"""Training classifiers: the default one, from a file, and per site from moderators' labels."""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import ClassifierVersion, Site, TrainingRun
from service.extensions import db
from service.services import classifier_versions as versions
from service.services import corpus
from workers.classifier import (
    Classifier,
    LabelledData,
    SklearnClassifier,
    evaluate_classifier,
    load_labelled_file,
    train_classifier,
    train_site_classifier,
)

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
        try:
            stored = train_and_store(data, {"source": "base corpus"}, progress, version=name)
        except IntegrityError:
            db.session.rollback()
            stored = versions.get_version(name)
    versions.activate_version(stored, site=None, actor="first start")
    return stored.version


def train_from_file(path: Path, *, progress: bool = False) -> ClassifierVersion:
    """Make a labelled CSV or JSON Lines file the base corpus, train on it, activate it."""
    data = load_labelled_file(path)
    corpus.replace_base_corpus(data)
    stored = train_and_store(data, {"source": "file", "file": path.name}, progress)
    versions.activate_version(stored, site=None, actor="moderato train")
    return stored


def train_and_store(
    data: LabelledData,
    trained_on: dict[str, Any],
    progress: bool,
    *,
    version: str | None = None,
    site_id: int | None = None,
) -> ClassifierVersion:
    """Train on `data` and store the result (not yet in force)."""
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


@dataclass(frozen=True)
class Split:
    """A site's labels split by time: older ones train, the most recent ones judge."""

    train: LabelledData
    holdout: LabelledData


def split_recent(labels: LabelledData, holdout_fraction: float, min_holdout: int) -> Split:
    """Hold out the most recent decisions, which best reflect the site today."""
    size = max(min_holdout, round(len(labels.labels) * holdout_fraction))
    cut = len(labels.labels) - size
    return Split(
        LabelledData(labels.texts[:cut], labels.labels[:cut]),
        LabelledData(labels.texts[cut:], labels.labels[cut:]),
    )


def retrain_site_classifier(site: Site, *, progress: bool = False) -> TrainingRun:
    """Train a candidate on the base corpus plus the site's labels; promote it only if it is
    no worse than the version in force on MCC and on false positives, measured on the
    site's most recent labels. The comparison is recorded either way."""
    config = current_app.config
    labels = corpus.get_site_labels(site.id)
    split = split_recent(labels, config["RETRAIN_HOLDOUT_FRACTION"], config["RETRAIN_MIN_HOLDOUT"])
    run = TrainingRun(site_id=site.id, n_train_labels=len(split.train.labels),
                      n_holdout_labels=len(split.holdout.labels), promoted=False)  # fmt: skip
    if len(labels.labels) < config["RETRAIN_MIN_LABELS"] or len(set(split.holdout.labels)) < 2:
        run.reason = f"not enough labels ({len(labels.labels)}, both classes needed)"
        return record(run)
    baseline = versions.get_active_version(site.id)
    run.baseline_version = baseline.version if baseline else None
    base = corpus.get_base_corpus()
    # The same recipe as bench/adaptation.py: site labels weigh more than base examples.
    classifier = train_site_classifier(base, split.train, progress=progress)
    candidate = store_trained(
        classifier,
        LabelledData(base.texts + split.train.texts, base.labels + split.train.labels),
        {"source": "base corpus + site labels", "site_labels": len(split.train.labels)},
        site_id=site.id,
    )
    run.candidate_version_id = candidate.id
    threshold = site.auto_reject_above
    run.candidate_metrics = judge(versions.load_classifier(candidate.id), split.holdout, threshold)
    if baseline is not None:
        current = versions.load_classifier(baseline.id)
        run.baseline_metrics = judge(current, split.holdout, threshold)
    run.promoted, run.reason = promotion_verdict(run.candidate_metrics, run.baseline_metrics)
    if run.promoted:
        versions.activate_version(candidate, site=site, actor="retraining")
    return record(run)


def judge(classifier: Classifier, holdout: LabelledData, reject_threshold: float) -> dict:
    """MCC at 0.5 and the false-positive rate at the site's auto-reject threshold."""
    metrics = evaluate_classifier(classifier, holdout.texts, holdout.labels)
    at_reject = evaluate_classifier(
        classifier, holdout.texts, holdout.labels, threshold=reject_threshold
    )
    metrics["false_positive_rate_at_reject"] = at_reject["false_positive_rate"]
    return metrics


def promotion_verdict(candidate: dict, baseline: dict) -> tuple[bool, str]:
    """The guard: no worse on MCC and no more ham blocked at the auto-reject threshold."""
    if not baseline:
        return True, "no version in force to compare with"
    if candidate["mcc"] < baseline["mcc"]:
        return False, f"worse MCC ({candidate['mcc']:.3f} < {baseline['mcc']:.3f})"
    fp_new, fp_old = (m["false_positive_rate_at_reject"] for m in (candidate, baseline))
    if fp_new > fp_old:
        return False, f"more false positives ({fp_new:.3f} > {fp_old:.3f})"
    return (
        True,
        f"MCC {candidate['mcc']:.3f} >= {baseline['mcc']:.3f}, FP {fp_new:.3f} <= {fp_old:.3f}",
    )


def record(run: TrainingRun) -> TrainingRun:
    """Store the run and log its outcome."""
    db.session.add(run)
    db.session.commit()
    logger.info("Retraining site %s: promoted=%s (%s)", run.site_id, run.promoted, run.reason)
    return run


def sites_due_for_retraining() -> list[Site]:
    """Sites with enough labels that have gained new ones since their last training run."""
    minimum = current_app.config["RETRAIN_MIN_LABELS"]
    due = []
    for site in db.session.scalars(select(Site).order_by(Site.id)):
        labels = len(corpus.get_site_labels(site.id).labels)
        last = db.session.scalar(
            select(func.max(TrainingRun.n_train_labels + TrainingRun.n_holdout_labels)).where(
                TrainingRun.site_id == site.id
            )
        )
        if labels >= minimum and labels > (last or 0):
            due.append(site)
    return due
