"""How familiar a comment's words are to a trained classifier: its knowing what it does not know.

A classifier trained on English YouTube comments still gives a confident score to Indonesian
gambling spam or to a Portuguese mobile-money notice: its linear model adds up the few features
it recognises and calibration turns that into a probability near 0 or 1. The score cannot say
that the comment is unlike anything it was trained on; this signal can. It is the share of the
comment's distinct written words of two characters or more (as the word features read them:
numbers are words too) that occurred in at least `MIN_DOCUMENTS` training comments. The
decision core holds a comment for a human when the share is below the site's threshold (reason
`unfamiliar`). `SklearnClassifier` gives it with each score (`Verdict.familiarity`), from the
texts it has normalised anyway.

A site's own labels widen the vocabulary: a version retrained on them has seen the site's
words, so the same comments become familiar as the site is learnt.
"""

import logging
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from classifier.tokens import char_view

if TYPE_CHECKING:  # types only: the module needs no scikit-learn of its own
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)

# A word seen in one training comment only is as good as unseen: a typo, a name, one spam run.
MIN_DOCUMENTS = 2
# Words as classifier/tokens.py's written_words reads them, of two characters or more: a single
# letter or digit is "familiar" in any language that writes with it, and spammers spell site
# names out letter by letter ("A L E X I S 1 7"), which made their comments look familiar.
_WORD = re.compile(r"[\w@$]{2,}")


class Familiarity:
    """The words a fitted feature pipeline has seen often enough, and the share of a text's
    words among them."""

    def __init__(self, features: "Pipeline") -> None:
        self._normaliser = features.named_steps["normalise"]
        words = dict(features.named_steps["union"].transformer_list)["word"]
        self.words = familiar_words(words)

    def shares(self, texts: Sequence[str]) -> list[float | None]:
        """For each raw text, the share of its distinct words that are familiar; None for a
        text without words (emoji, punctuation or single characters only), about which words
        tell nothing."""
        return self.normalised_shares(self._normaliser.transform(texts))

    def normalised_shares(self, normalised: Sequence[str]) -> list[float | None]:
        """`shares` of texts already normalised (the classifier's scoring has them)."""
        return [self._share(text) for text in normalised]

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
