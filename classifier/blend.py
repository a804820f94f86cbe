"""`NBLogisticBlend`: plain and NB-weighted logistic regression, averaged in log-odds."""

import logging

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.extmath import safe_sparse_dot

logger = logging.getLogger(__name__)


def log_count_ratio(
    matrix: sparse.csr_matrix, labels: np.ndarray, sample_weight: np.ndarray, alpha: float
) -> np.ndarray:
    """Return log(p / |p|_1) - log(q / |q|_1) per column, from which texts have the feature.

    p and q are the (weighted) number of spam and ham texts with a non-zero value, plus
    `alpha`: the Naive Bayes log-count ratio of Wang and Manning (2012), "Baselines and
    Bigrams: Simple, Good Sentiment and Topic Classification".
    """
    present = (matrix != 0).astype(np.float64).tocsr()
    spam = alpha + present.T @ (sample_weight * (labels == 1))
    ham = alpha + present.T @ (sample_weight * (labels == 0))
    return np.log(spam / spam.sum()) - np.log(ham / ham.sum())


class NBLogisticBlend(ClassifierMixin, BaseEstimator):
    """Binary classifier: the mean log-odds of two logistic regressions on the same features.

    One sees the features as they are, the other sees them scaled by their Naive Bayes
    log-count ratio (NBSVM, Wang and Manning 2012, with logistic loss), which lets rare but
    one-sided words count for more. Both are linear, so their mean is one linear model:
    `coef_` and `intercept_` hold it, and `LinearEnsemble` scores it like plain logistic
    regression. The blend ranked comments better than either part alone when compared on the
    training portions of the YouTube files (see bench/README.md).
    """

    def __init__(self, C: float = 30.0, alpha: float = 1.0, max_iter: int = 5000) -> None:
        self.C = C
        self.alpha = alpha
        self.max_iter = max_iter

    def fit(
        self, X: sparse.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> "NBLogisticBlend":
        """Fit both regressions (with the same sample weights) and keep their mean."""
        matrix = sparse.csr_matrix(X)
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        if not np.array_equal(self.classes_, [0, 1]):
            raise ValueError(f"expected labels 0 and 1, got {self.classes_.tolist()}")
        weights = np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight)
        ratio = log_count_ratio(matrix, labels, weights, self.alpha)
        plain = self._regression().fit(matrix, labels, sample_weight=sample_weight)
        scaled = self._regression().fit(
            matrix.multiply(ratio).tocsr(), labels, sample_weight=sample_weight
        )
        self.coef_ = (plain.coef_ + scaled.coef_ * ratio) / 2
        self.intercept_ = (plain.intercept_ + scaled.intercept_) / 2
        self.n_features_in_ = matrix.shape[1]
        return self

    def _regression(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=self.max_iter)

    def decision_function(self, X: sparse.spmatrix) -> np.ndarray:
        """Return the log-odds of spam for each row."""
        return safe_sparse_dot(X, self.coef_[0]) + self.intercept_[0]

    def predict_proba(self, X: sparse.spmatrix) -> np.ndarray:
        """Return [P(ham), P(spam)] per row (uncalibrated)."""
        spam = expit(self.decision_function(X))
        return np.column_stack([1 - spam, spam])

    def predict(self, X: sparse.spmatrix) -> np.ndarray:
        """Return 1 (spam) where the log-odds are positive, else 0."""
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
