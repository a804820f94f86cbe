"""Quality numbers for a classifier on labelled texts, as used by the CLI and the benchmark."""

import logging
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, matthews_corrcoef, roc_auc_score

from classifier.interface import Classifier

logger = logging.getLogger(__name__)


def _ratio(numerator: float, denominator: float) -> float:
    """Return numerator / denominator, or 0.0 when there is nothing to divide (no spam, ...)."""
    return float(numerator / denominator) if denominator else 0.0


def score_metrics(
    scores: Sequence[float] | np.ndarray, labels: Sequence[int], threshold: float = 0.5
) -> dict:
    """Return the metrics of `evaluate_classifier` for already computed spam scores."""
    truth = np.asarray(labels, dtype=int)
    predicted = (np.asarray(scores, dtype=float) >= threshold).astype(int)
    tn, fp, fn, tp = (int(n) for n in confusion_matrix(truth, predicted, labels=[0, 1]).ravel())
    both_classes = 0 < truth.sum() < len(truth)
    return {
        "n": len(truth),
        "n_spam": tp + fn,
        "n_ham": tn + fp,
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "accuracy": _ratio(tp + tn, len(truth)),
        "spam_recall": _ratio(tp, tp + fn),
        "false_positive_rate": _ratio(fp, fp + tn),
        "precision": _ratio(tp, tp + fp),
        "f1": float(f1_score(truth, predicted, labels=[0, 1], zero_division=0.0)),
        # With a single class MCC is conventionally 0 and ROC-AUC undefined: None, not NaN,
        # because these dicts are stored as JSON and NaN is not valid JSON.
        "mcc": float(matthews_corrcoef(truth, predicted)) if both_classes else 0.0,
        "roc_auc": float(roc_auc_score(truth, scores)) if both_classes else None,
    }


def evaluate_classifier(
    classifier: Classifier, texts: Sequence[str], labels: Sequence[int], *, threshold: float = 0.5
) -> dict:
    """Score `texts` in one batch and compare with `labels` (1 = spam) at `threshold`."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if not texts:
        raise ValueError("cannot evaluate on an empty set")
    scores = [verdict.score for verdict in classifier.predict_many(texts)]
    return score_metrics(scores, labels, threshold)


def automation_rate(
    scores: Sequence[float] | np.ndarray,
    labels: Sequence[int],
    approve_below: float = 0.2,
    reject_above: float = 0.9,
) -> dict:
    """Share of comments decided without a human, and how often those decisions are right.

    Scores below `approve_below` are approved, scores at or above `reject_above` are rejected,
    everything in between goes to the review queue.
    """
    score_array = np.asarray(scores, dtype=float)
    truth = np.asarray(labels, dtype=int)
    approved, rejected = score_array < approve_below, score_array >= reject_above
    decided = int(approved.sum() + rejected.sum())
    correct = int((truth[approved] == 0).sum() + (truth[rejected] == 1).sum())
    return {
        "n": len(truth),
        "approved": int(approved.sum()),
        "rejected": int(rejected.sum()),
        "review": len(truth) - decided,
        "automated_share": _ratio(decided, len(truth)),
        "automated_accuracy": _ratio(correct, decided),
        "wrongly_approved": int((truth[approved] == 1).sum()),
        "wrongly_rejected": int((truth[rejected] == 0).sum()),
    }
