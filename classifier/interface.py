"""What the service sees of a classifier: a `Verdict` per text and the `Classifier` protocol."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """A calibrated spam probability and what pushed it up (spam) or down (ham).

    `explanation` is {"spam": [...], "ham": [...]}, each at most five items, strongest first:
    {"kind": "word", "text", "weight"} for a word of the text, {"kind": "domain", "text",
    "weight"} for a link's domain, {"kind": "signal", "name", "weight"} for the rest (names
    such as "links", "length", "capitals", "spam_phrases": classifier/explain.py lists them).
    Items are data, not sentences, so the web UI can translate them. For `SklearnClassifier`
    a weight is the item's contribution to the log-odds of spam (negative under "ham"), summed
    over every feature taken from it; counts such as "length" or "capitals" are measured
    against the training average, so a short comment lists "length" under "ham". Explanations
    stored before this shape have {"feature": "word: x", "weight"} items instead.

    `familiarity` is the share of the text's words the classifier saw in training
    (classifier/novelty.py), None when it cannot tell (no words, or no vocabulary).
    """

    score: float
    explanation: dict
    familiarity: float | None = None


class Classifier(Protocol):
    """Anything that scores comments; `version` is assigned by whoever loads it."""

    version: str

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        """Score a batch of texts in one vectorised call."""
        ...

    def predict(self, text: str) -> Verdict:
        """Score one text."""
        ...
