"""`SklearnClassifier`: a fitted feature pipeline plus a calibrated linear classifier."""

import logging
import pickle
import zlib
from collections.abc import Sequence

import numpy as np
import sklearn
from scipy import sparse
from sklearn.pipeline import Pipeline

from workers.classifier.features import feature_baseline, feature_names, transform_texts
from workers.classifier.interface import Verdict
from workers.classifier.linear import LinearEnsemble

logger = logging.getLogger(__name__)

# Bytes start with this tag, so a wrong blob fails with a clear message, not an unpickling error.
_MAGIC = b"moderato-classifier:1\n"
_TOP_FEATURES = 5
_DECIMALS = 4


class SklearnClassifier:
    """A trained classifier version; scores texts and explains each score."""

    def __init__(self, pipeline: Pipeline, version: str = "unversioned") -> None:
        self.pipeline = pipeline
        self.version = version
        self._features = pipeline[:-1]
        self._ensemble = LinearEnsemble.from_calibrated(pipeline[-1])
        self._weights = self._ensemble.log_odds_weights()
        self._baseline = feature_baseline(self._features)
        self._names = np.array(feature_names(self._features), dtype=object)

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        """Score a batch of texts with one pass through the pipeline."""
        if not texts:
            return []
        matrix = transform_texts(self._features, list(texts))
        scores = self._ensemble.spam_probability(matrix).tolist()
        columns = matrix.indices
        # Rounded once for the whole batch; a contribution that rounds to 0 is never listed.
        contributions = np.round(
            (matrix.data - self._baseline[columns]) * self._weights[columns], _DECIMALS
        )
        return [
            Verdict(score=score, explanation=self._explain(matrix, contributions, row))
            for row, score in enumerate(scores)
        ]

    def predict(self, text: str) -> Verdict:
        """Score one text."""
        return self.predict_many([text])[0]

    def _explain(self, matrix: sparse.csr_matrix, contributions: np.ndarray, row: int) -> dict:
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values, columns = contributions[start:end], matrix.indices[start:end]
        order = np.argsort(values)
        return {
            "spam": self._items(values, columns, order[::-1][:_TOP_FEATURES], sign=1),
            "ham": self._items(values, columns, order[:_TOP_FEATURES], sign=-1),
        }

    def _items(self, values: np.ndarray, columns: np.ndarray, top: np.ndarray, sign: int) -> list:
        names = self._names[columns[top]].tolist()
        weights = values[top].tolist()
        return [
            {"feature": name, "weight": weight}
            for name, weight in zip(names, weights, strict=True)
            if weight * sign > 0
        ]

    def to_bytes(self) -> bytes:
        """Serialise the fitted pipeline (not the version, which belongs to the database row)."""
        payload = {"sklearn_version": sklearn.__version__, "pipeline": self.pipeline}
        return _MAGIC + zlib.compress(pickle.dumps(payload, protocol=5))

    @classmethod
    def from_bytes(cls, data: bytes, version: str = "unversioned") -> "SklearnClassifier":
        """Load a classifier written by `to_bytes`; raise ValueError for anything else."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a Moderato classifier artefact (missing header)")
        try:
            raw = zlib.decompress(data[len(_MAGIC) :])
        except zlib.error as error:
            raise ValueError("corrupt Moderato classifier artefact") from error
        # Pickle runs code on load; these bytes come only from our own training job via our
        # own database, never from users, which is why unpickling them is acceptable.
        payload = pickle.loads(raw)  # noqa: S301
        if not isinstance(payload, dict) or not isinstance(payload.get("pipeline"), Pipeline):
            raise ValueError("Moderato classifier artefact does not hold a pipeline")
        if payload.get("sklearn_version") != sklearn.__version__:
            # Pickles are only guaranteed within one scikit-learn version: say so, keep going.
            logger.warning(
                "Classifier %s was trained with scikit-learn %s, running %s; retrain it",
                version,
                payload.get("sklearn_version"),
                sklearn.__version__,
            )
        return cls(payload["pipeline"], version=version)
