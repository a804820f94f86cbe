"""NBLogisticBlend: the mean of plain and NB-scaled logistic regression as one linear model."""

import numpy as np
import pytest
from scipy import sparse
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from classifier.blend import NBLogisticBlend, log_count_ratio

# Columns: "casino" (spam only), "song" (ham only), "the" (everywhere).
ROWS = sparse.csr_matrix(
    np.array([[1.0, 0, 1], [0.5, 0, 1], [1, 0, 0], [0, 1, 1], [0, 0.5, 1], [0, 1, 0]], dtype=float)
)
LABELS = np.array([1, 1, 1, 0, 0, 0])


def test_log_count_ratio_is_positive_for_spam_columns_and_zero_for_shared_ones() -> None:
    ratio = log_count_ratio(ROWS, LABELS, np.ones(6), alpha=1.0)
    assert ratio[0] > 0 > ratio[1]
    assert ratio[2] == pytest.approx(0.0)


def test_log_count_ratio_counts_sample_weights() -> None:
    weights = np.array([1, 1, 1, 1, 1, 10.0])
    assert (
        log_count_ratio(ROWS, LABELS, weights, 1.0)[1]
        < log_count_ratio(ROWS, LABELS, np.ones(6), 1.0)[1]
    )


def test_blend_is_the_mean_of_the_two_regressions() -> None:
    blend = NBLogisticBlend(C=10.0).fit(ROWS, LABELS)
    ratio = log_count_ratio(ROWS, LABELS, np.ones(6), 1.0)
    plain = LogisticRegression(C=10.0, max_iter=5000).fit(ROWS, LABELS)
    scaled = LogisticRegression(C=10.0, max_iter=5000).fit(ROWS.multiply(ratio).tocsr(), LABELS)
    expected = (plain.decision_function(ROWS) + scaled.decision_function(ROWS.multiply(ratio))) / 2
    np.testing.assert_allclose(blend.decision_function(ROWS), expected, rtol=1e-6)


def test_blend_predicts_like_a_classifier() -> None:
    blend = NBLogisticBlend().fit(ROWS, LABELS)
    np.testing.assert_array_equal(blend.predict(ROWS), LABELS)
    np.testing.assert_allclose(
        blend.predict_proba(ROWS)[:, 1], expit(blend.decision_function(ROWS))
    )


def test_blend_rejects_labels_other_than_zero_and_one() -> None:
    with pytest.raises(ValueError, match="labels 0 and 1"):
        NBLogisticBlend().fit(ROWS, LABELS + 1)
