"""What the service sees of a classifier: a `Verdict` per text and the `Classifier` protocol."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """A calibrated spam probability and the features that pushed it up (spam) or down (ham).

    `explanation` is {"spam": [...], "ham": [...]}, each at most five {"feature", "weight"}
    items, strongest first. For `SklearnClassifier` a weight is the feature's contribution to the
    log-odds of spam (negative under "ham"); counts such as "length" or "shouting" are measured
    against the training average, so a short comment lists "length" under "ham".
    """

    score: float
    explanation: dict


class Classifier(Protocol):
    """Anything that scores comments; `version` is assigned by whoever loads it."""

    version: str

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        """Score a batch of texts in one vectorised call."""
        ...

    def predict(self, text: str) -> Verdict:
        """Score one text."""
        ...
