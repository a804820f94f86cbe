"""evaluate_classifier and automation_rate on hand-countable cases."""

import json

import pytest

from classifier import (
    KeywordClassifier,
    SklearnClassifier,
    automation_rate,
    evaluate_classifier,
)
from classifier.metrics import score_metrics


def test_evaluate_classifier_counts_the_confusion_matrix() -> None:
    classifier = KeywordClassifier(["casino"])
    texts = ["casino", "casino night", "spam without the word", "hello", "casino museum tour"]
    labels = [1, 1, 1, 0, 0]
    metrics = evaluate_classifier(classifier, texts, labels)
    assert (metrics["tp"], metrics["fn"], metrics["tn"], metrics["fp"]) == (2, 1, 1, 1)
    assert (metrics["n"], metrics["n_spam"], metrics["n_ham"]) == (5, 3, 2)
    assert metrics["accuracy"] == pytest.approx(3 / 5)
    assert metrics["spam_recall"] == pytest.approx(2 / 3)
    assert metrics["false_positive_rate"] == pytest.approx(1 / 2)
    assert metrics["precision"] == pytest.approx(2 / 3)
    assert metrics["f1"] == pytest.approx(2 / 3)
    assert metrics["mcc"] == pytest.approx(1 / 6)
    assert 0.0 <= metrics["roc_auc"] <= 1.0


def test_evaluate_classifier_uses_the_threshold() -> None:
    classifier = KeywordClassifier(["casino"])  # one matched word scores exactly 0.5
    loose = evaluate_classifier(classifier, ["casino", "hi"], [1, 0], threshold=0.5)
    strict = evaluate_classifier(classifier, ["casino", "hi"], [1, 0], threshold=0.6)
    assert (loose["tp"], strict["tp"]) == (1, 0)


def test_evaluate_classifier_rejects_mismatched_or_empty_input() -> None:
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        evaluate_classifier(KeywordClassifier(), ["a", "b"], [0])
    with pytest.raises(ValueError, match="empty"):
        evaluate_classifier(KeywordClassifier(), [], [])


def test_score_metrics_with_one_class_reports_zero_mcc_and_no_auc() -> None:
    metrics = score_metrics([0.1, 0.7], [0, 0])
    assert metrics["mcc"] == 0.0
    assert metrics["roc_auc"] is None
    assert metrics["spam_recall"] == 0.0


def test_metrics_are_plain_json(trained: SklearnClassifier) -> None:
    metrics = evaluate_classifier(trained, ["casino now", "nice song"], [1, 0])
    assert json.loads(json.dumps(metrics, allow_nan=False)) == metrics


def test_automation_rate_splits_into_approve_review_reject() -> None:
    scores = [0.05, 0.1, 0.5, 0.95, 0.9, 0.15, 0.3]
    labels = [0, 1, 1, 1, 0, 0, 0]
    result = automation_rate(scores, labels, approve_below=0.2, reject_above=0.9)
    assert (result["approved"], result["rejected"], result["review"]) == (3, 2, 2)
    assert result["automated_share"] == pytest.approx(5 / 7)
    assert result["automated_accuracy"] == pytest.approx(3 / 5)
    assert (result["wrongly_approved"], result["wrongly_rejected"]) == (1, 1)


def test_automation_rate_with_nothing_decided_is_zero_not_an_error() -> None:
    result = automation_rate([0.5, 0.6], [0, 1])
    assert result["automated_share"] == 0.0
    assert result["automated_accuracy"] == 0.0
