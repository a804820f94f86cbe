"""Learning from moderators: retrain a site's classifier and promote it only if no worse."""

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from classifier import Classifier, LabelledData, evaluate_classifier, train_site_classifier
from models import ClassifierVersion, Site, TrainingRun
from service.extensions import db
from service.learning import corpus, versions
from service.learning.training import store_trained

logger = logging.getLogger(__name__)


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
    """Train a candidate on the base corpus plus the site's older labels; promote it only if
    it is no worse than the version in force on MCC and on false positives, measured on the
    site's most recent labels. The comparison is recorded either way."""
    config = current_app.config
    labels = corpus.get_site_labels(site.id)
    split = split_recent(labels, config["RETRAIN_HOLDOUT_FRACTION"], config["RETRAIN_MIN_HOLDOUT"])
    run = TrainingRun(site_id=site.id, n_train_labels=len(split.train.labels),
                      n_holdout_labels=len(split.holdout.labels), promoted=False)  # fmt: skip
    if len(labels.labels) < config["RETRAIN_MIN_LABELS"] or len(set(split.holdout.labels)) < 2:
        run.reason = f"not enough labels ({len(labels.labels)}, both classes needed)"
        return record(run)
    candidate = train_candidate(site, split.train, progress)
    compare_on_holdout(run, candidate, site, split.holdout)
    if run.promoted:
        versions.activate_version(candidate, site=site, actor="retraining")
    return record(run)


def train_candidate(site: Site, site_labels: LabelledData, progress: bool) -> ClassifierVersion:
    """The base corpus plus the site's labels, with the recipe bench/adaptation.py measures
    (site labels weigh more than base examples); stored, not yet in force."""
    base = corpus.get_base_corpus()
    classifier = train_site_classifier(base, site_labels, progress=progress)
    return store_trained(
        classifier,
        LabelledData(base.texts + site_labels.texts, base.labels + site_labels.labels),
        {"source": "base corpus + site labels", "site_labels": len(site_labels.labels)},
        site_id=site.id,
    )


def compare_on_holdout(
    run: TrainingRun, candidate: ClassifierVersion, site: Site, holdout: LabelledData
) -> None:
    """Score the candidate and the version in force on the held-out labels; set the verdict.

    The candidate is loaded back from the database, so what is judged is what would run.
    """
    baseline = versions.get_active_version(site.id)
    run.baseline_version = baseline.version if baseline else None
    run.candidate_version_id = candidate.id
    threshold = site.auto_reject_above
    run.candidate_metrics = judge(versions.load_classifier(candidate.id), holdout, threshold)
    if baseline is not None:
        run.baseline_metrics = judge(versions.load_classifier(baseline.id), holdout, threshold)
    run.promoted, run.reason = promotion_verdict(run.candidate_metrics, run.baseline_metrics)


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


def retrain_site_classifier_by_id(site_id: int) -> TrainingRun | None:
    """`retrain_site_classifier` for a site id (the periodic task's argument); None if the
    site is gone."""
    site = db.session.get(Site, site_id)
    return retrain_site_classifier(site) if site is not None else None


def site_ids_due_for_retraining() -> list[int]:
    """Ids of the sites `sites_due_for_retraining` returns."""
    return [site.id for site in sites_due_for_retraining()]


def sites_due_for_retraining() -> list[Site]:
    """Sites with enough labels that have gained new ones since their last training run."""
    minimum = current_app.config["RETRAIN_MIN_LABELS"]
    due = []
    for site in db.session.scalars(select(Site).order_by(Site.id)):
        labels = corpus.count_site_labels(site.id)
        last = db.session.scalar(
            select(func.max(TrainingRun.n_train_labels + TrainingRun.n_holdout_labels)).where(
                TrainingRun.site_id == site.id
            )
        )
        if labels >= minimum and labels > (last or 0):
            due.append(site)
    return due
