"""Scoring a labelled file with the classifier in force, for `moderato evaluate`."""

from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from classifier import Classifier, load_labelled_file
from classifier.metrics import automation_rate, score_metrics
from classifier.reporting import write_report
from models import PolicyDefaults, Site
from service.learning import versions
from service.learning.training import ensure_default_classifier

METRIC_ORDER = (
    "accuracy",
    "spam_recall",
    "false_positive_rate",
    "precision",
    "f1",
    "mcc",
    "roc_auc",
)
CHUNK = 1000


@dataclass(frozen=True)
class Evaluation:
    """Metrics of one evaluation and where its report went."""

    metrics: dict
    summary_path: Path


def evaluate_file(path: Path, *, site: Site | None, report_dir: Path, progress: bool) -> Evaluation:
    """Score every comment of `path`, compare with its labels, write the report."""
    data = load_labelled_file(path)
    ensure_default_classifier()
    active = versions.get_active_version(site.id if site else None)
    assert active is not None  # noqa: S101 - ensure_default_classifier guarantees one
    classifier = versions.load_classifier(active.id)
    scores = score_in_chunks(classifier, data.texts, progress)
    metrics = score_metrics(scores, data.labels)
    approve, reject = (
        (site.auto_approve_below, site.auto_reject_above)
        if site
        else (PolicyDefaults.AUTO_APPROVE_BELOW, PolicyDefaults.AUTO_REJECT_ABOVE)
    )
    metrics["automation"] = automation_rate(scores, data.labels, approve, reject)
    metrics["classifier_version"] = active.version
    metrics["file"] = path.name
    summary = write_report(
        report_dir, title=f"{path.name} scored by {active.version}",
        metrics=metrics, scores=scores, labels=data.labels, threshold=0.5,
    )  # fmt: skip
    return Evaluation(metrics, summary)


def score_in_chunks(classifier: Classifier, texts: list[str], progress: bool) -> list[float]:
    """Vectorised scoring, a chunk at a time so a progress bar can move."""
    scores: list[float] = []
    with tqdm(total=len(texts), desc="scoring", unit="comment", disable=not progress) as bar:
        for start in range(0, len(texts), CHUNK):
            chunk = texts[start : start + CHUNK]
            scores += [verdict.score for verdict in classifier.predict_many(chunk)]
            bar.update(len(chunk))
    return scores
