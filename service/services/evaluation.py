"""Scoring a labelled file with the classifier in force, for `moderato evaluate`."""

from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from models import Site
from service.reporting import write_report
from service.services import classifier_versions as versions
from service.services.training import ensure_default_classifier
from workers.classifier import Classifier, load_labelled_file
from workers.classifier.metrics import automation_rate, score_metrics

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
    approve, reject = (site.auto_approve_below, site.auto_reject_above) if site else (0.2, 0.9)
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
