"""`KeywordClassifier`: a deterministic word-list classifier for development and unit tests."""

import logging
import re
from collections.abc import Iterable, Sequence

from classifier.interface import Verdict
from classifier.normalise import normalise_text

logger = logging.getLogger(__name__)

# Italian and English words that almost only appear in spam; the service's audience is Italian.
DEFAULT_SPAM_WORDS = (
    "casino",
    "viagra",
    "bitcoin",
    "crypto",
    "lottery",
    "prize",
    "subscribe",
    "gratis",
    "guadagna",
    "guadagnare",
    "soldi",
    "vinci",
    "offerta",
    "iscriviti",
    "clicca",
    "free",
    "click",
    "money",
)
_WORD = re.compile(r"\w+")


class KeywordClassifier:
    """Scores by counting spam words: 0 matches -> 0.0, then 0.5, 0.75, 0.875, ... towards 1."""

    def __init__(
        self, spam_words: Iterable[str] = DEFAULT_SPAM_WORDS, version: str = "keyword"
    ) -> None:
        self.spam_words = frozenset(word.lower() for word in spam_words)
        self.version = version

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        """Score each text; explanation lists the matched words (never anything under "ham")."""
        return [self.predict(text) for text in texts]

    def predict(self, text: str) -> Verdict:
        """Score one text."""
        words = _WORD.findall(normalise_text(text).lower())
        matched = sorted({word for word in words if word in self.spam_words})
        score = 1.0 - 0.5 ** len(matched)
        # Every listed word counts the same, so each gets the same weight.
        spam = [{"kind": "word", "text": word, "weight": 1.0} for word in matched[:5]]
        return Verdict(score=score, explanation={"spam": spam, "ham": []})
