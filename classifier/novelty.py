"""How familiar a comment's words are to a trained classifier: its knowing what it does not know.

A classifier trained on English YouTube comments still gives a confident score to Indonesian
gambling spam or to a Portuguese mobile-money notice: its linear model adds up the few features
it recognises and calibration turns that into a probability near 0 or 1. The score cannot say
that the comment is unlike anything it was trained on; this signal can. It is the share of the
comment's distinct written words (as the word features read them: numbers are words too) that
occurred in at least `MIN_DOCUMENTS` training comments. The decision core holds a comment for a
human when the share is below the site's threshold (reason `unfamiliar`).

A site's own labels widen the vocabulary: a version retrained on them has seen the site's
words, so the same comments become familiar as the site is learnt.
"""

import logging
import math
import re
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from classifier.interface import Classifier
from classifier.tokens import char_view

if TYPE_CHECKING:  # the decision core imports this module in the web process: no scikit-learn
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)

# A word seen in one training comment only is as good as unseen: a typo, a name, one spam run.
MIN_DOCUMENTS = 2
_WORD = re.compile(r"[\w@$]+")  # as classifier/tokens.py's written_words reads words


class Familiarity:
    """The words a fitted feature pipeline has seen often enough, and the share of a text's
    words among them."""

    def __init__(self, features: "Pipeline") -> None:
        self._normaliser = features.named_steps["normalise"]
        words = dict(features.named_steps["union"].transformer_list)["word"]
        self.words = familiar_words(words)

    def shares(self, texts: Sequence[str]) -> list[float | None]:
        """For each raw text, the share of its distinct words that are familiar; None for a
        text without words (emoji or punctuation only), about which words tell nothing."""
        return [self._share(text) for text in self._normaliser.transform(texts)]

    def _share(self, normalised: str) -> float | None:
        # The words `written_words` reads, de-duplicated before they are stripped: this runs
        # for every comment scored, and most words repeat or need no stripping.
        words = {word.strip("@$_") for word in set(_WORD.findall(char_view(normalised)))}
        words.discard("")
        if not words:
            return None
        return len(words & self.words) / len(words)


def familiar_words(vectorizer: "TfidfVectorizer") -> frozenset[str]:
    """Single words of the fitted word vectorizer found in at least MIN_DOCUMENTS comments.

    The vectorizer keeps no document counts, but its smoothed IDF is ln((1 + n) / (1 + df)) + 1,
    so a term's IDF falls as its document count rises. The rarest terms (one comment: there
    are always some among the word pairs) have the largest IDF; a term seen in MIN_DOCUMENTS
    or more lies at least ln((1 + MIN_DOCUMENTS) / 2) below it. The cut sits half way, clear
    of rounding. Pairs of words, link and intent tokens (with a space or a colon) are skipped.
    """
    idf = vectorizer.idf_
    if not len(idf):
        return frozenset()
    cut = float(idf.max()) - math.log((1 + MIN_DOCUMENTS) / 2) / 2
    return frozenset(
        term
        for term, column in vectorizer.vocabulary_.items()
        if idf[column] < cut and " " not in term and ":" not in term
    )


# One Familiarity per loaded classifier, built on first use and dropped with the classifier.
_BUILT: "weakref.WeakKeyDictionary[object, Familiarity]" = weakref.WeakKeyDictionary()


def familiarity_of(classifier: Classifier) -> Familiarity | None:
    """The familiarity of a scikit-learn classifier's vocabulary; None for classifiers without
    one (the keyword classifier, plug-ins), whose comments are then never held as unfamiliar."""
    pipeline: Any = getattr(classifier, "pipeline", None)
    if "normalise" not in getattr(pipeline, "named_steps", {}):
        return None
    built = _BUILT.get(classifier)
    if built is None:
        built = _BUILT[classifier] = Familiarity(pipeline[:-1])
        logger.info("Familiar words of classifier %s: %d", classifier.version, len(built.words))
    return built
