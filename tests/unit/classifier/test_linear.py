"""LinearEnsemble: the fast scorer must agree with scikit-learn's own predict_proba."""

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression

from classifier import SklearnClassifier
from classifier.features import feature_names, transform_texts
from classifier.linear import LinearEnsemble


def test_linear_ensemble_equals_calibrated_predict_proba(
    trained: SklearnClassifier, corpus: tuple[list[str], list[int]]
) -> None:
    texts = [*corpus[0], "something new entirely", "CASINO!!!"]
    features, calibrated = trained.pipeline[:-1], trained.pipeline[-1]
    matrix = transform_texts(features, texts)
    expected = calibrated.predict_proba(matrix)[:, 1]
    ensemble = LinearEnsemble.from_calibrated(calibrated)
    np.testing.assert_allclose(ensemble.spam_probability(matrix), expected, rtol=1e-9, atol=1e-12)


def test_linear_ensemble_rejects_isotonic_calibration() -> None:
    rows = np.array([[0.0], [0.1], [0.2], [0.8], [0.9], [1.0]])
    calibrated = CalibratedClassifierCV(LogisticRegression(), method="isotonic", cv=2)
    calibrated.fit(rows, [0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="sigmoid"):
        LinearEnsemble.from_calibrated(calibrated)


def test_log_odds_weights_are_positive_for_spam_words(trained: SklearnClassifier) -> None:
    names = feature_names(trained.pipeline[:-1])
    weights = LinearEnsemble.from_calibrated(trained.pipeline[-1]).log_odds_weights()
    assert weights[names.index("word: casino")] > 0
    assert weights[names.index("word: love")] < 0


def test_stored_pipeline_still_works_as_a_plain_scikit_learn_pipeline(
    trained: SklearnClassifier, corpus: tuple[list[str], list[int]]
) -> None:
    texts = corpus[0][:5]
    scores = [verdict.score for verdict in trained.predict_many(texts)]
    np.testing.assert_allclose(trained.pipeline.predict_proba(texts)[:, 1], scores, rtol=1e-9)
