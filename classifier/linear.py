"""A fitted `CalibratedClassifierCV` over a linear model, reduced to arrays for fast scoring."""

import logging
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinearEnsemble:
    """One column of weights per calibration fold plus that fold's sigmoid.

    Fold k scores p_k = expit(-(a_k * (x . w_k + c_k) + b_k)) and the ensemble averages p_k,
    exactly as `CalibratedClassifierCV(method="sigmoid", ensemble=True).predict_proba` does, but
    as one sparse-dense product instead of five estimator calls each re-validating its input.
    """

    weights: np.ndarray  # (n_features, n_folds)
    intercepts: np.ndarray  # (n_folds,)
    slopes: np.ndarray  # (n_folds,) sigmoid a_k
    offsets: np.ndarray  # (n_folds,) sigmoid b_k

    @classmethod
    def from_calibrated(cls, calibrated: CalibratedClassifierCV) -> "LinearEnsemble":
        """Read the folds of a fitted binary, sigmoid-calibrated linear classifier."""
        folds = calibrated.calibrated_classifiers_
        for fold in folds:
            if len(fold.calibrators) != 1 or not hasattr(fold.calibrators[0], "a_"):
                raise ValueError("expected a binary CalibratedClassifierCV with method='sigmoid'")
            if not hasattr(fold.estimator, "coef_"):
                raise ValueError("expected a CalibratedClassifierCV over a linear model")
        return cls(
            weights=np.column_stack([fold.estimator.coef_[0] for fold in folds]),
            intercepts=np.array([fold.estimator.intercept_[0] for fold in folds]),
            slopes=np.array([fold.calibrators[0].a_ for fold in folds]),
            offsets=np.array([fold.calibrators[0].b_ for fold in folds]),
        )

    def spam_probability(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """Return the calibrated spam probability of each row."""
        margins = matrix @ self.weights + self.intercepts
        return expit(-(self.slopes * margins + self.offsets)).mean(axis=1)

    def log_odds_weights(self) -> np.ndarray:
        """Average the folds' weights, each scaled by its sigmoid slope, for explanations.

        -a_k * w_k is fold k's weight in log-odds of spam, so the average stays on the scale
        of the score and describes the ensemble that produced it, which a separately fitted
        explainer model would not.
        """
        return (self.weights * -self.slopes).mean(axis=1)
