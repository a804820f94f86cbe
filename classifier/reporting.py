"""Evaluation reports: a confusion matrix and a precision-recall curve as PNG, and a
Markdown summary beside them."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: workers and CI have no display

import matplotlib.pyplot as plt  # noqa: E402 - must follow the backend choice
import numpy as np  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

METRIC_LABELS = {
    "accuracy": "accuracy",
    "spam_recall": "spam caught (recall)",
    "false_positive_rate": "blocked ham (false-positive rate)",
    "precision": "precision",
    "f1": "F1",
    "mcc": "MCC",
    "roc_auc": "ROC-AUC",
}


def write_report(
    folder: Path,
    *,
    title: str,
    metrics: dict,
    scores: Sequence[float],
    labels: Sequence[int],
    threshold: float,
) -> Path:
    """Write confusion_matrix.png, precision_recall.png and summary.md; return the summary."""
    folder.mkdir(parents=True, exist_ok=True)
    plot_confusion_matrix(folder / "confusion_matrix.png", metrics)
    plot_precision_recall(folder / "precision_recall.png", scores, labels)
    summary = folder / "summary.md"
    summary.write_text(summary_markdown(title, metrics, threshold))
    return summary


def plot_confusion_matrix(path: Path, metrics: dict) -> None:
    """A 2x2 matrix with counts: rows are the truth, columns the prediction."""
    matrix = np.array([[metrics["tn"], metrics["fp"]], [metrics["fn"], metrics["tp"]]])
    figure, axes = plt.subplots(figsize=(4, 4))
    axes.imshow(matrix, cmap="Blues")
    for (row, column), count in np.ndenumerate(matrix):
        axes.text(column, row, str(count), ha="center", va="center", fontsize=14)
    axes.set_xticks([0, 1], labels=["ham", "spam"])
    axes.set_yticks([0, 1], labels=["ham", "spam"])
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title("Confusion matrix")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def plot_precision_recall(path: Path, scores: Sequence[float], labels: Sequence[int]) -> None:
    """Precision against recall over every threshold."""
    precision, recall, _ = precision_recall_curve(labels, scores)
    figure, axes = plt.subplots(figsize=(5, 4))
    axes.plot(recall, precision)
    axes.set_xlabel("recall (spam caught)")
    axes.set_ylabel("precision")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.set_title("Precision-recall")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def summary_markdown(title: str, metrics: dict, threshold: float) -> str:
    """The metrics as a Markdown table, with links to the figures."""
    rows = [
        f"| {label} | {format_value(metrics.get(key))} |" for key, label in METRIC_LABELS.items()
    ]
    return "\n".join(
        [
            f"# {title}",
            "",
            f"{metrics['n']} comments ({metrics['n_spam']} spam, {metrics['n_ham']} ham), "
            f"threshold {threshold}.",
            "",
            "| metric | value |",
            "|---|---|",
            *rows,
            "",
            "![confusion matrix](confusion_matrix.png)",
            "![precision-recall curve](precision_recall.png)",
            "",
        ]
    )


def format_value(value: float | None) -> str:
    """Four decimals, or a dash for an undefined metric."""
    return "-" if value is None else f"{value:.4f}"
