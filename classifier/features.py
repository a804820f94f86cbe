"""The scikit-learn feature pipeline: normalise, then words and links, characters, statistics."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from classifier.fast_tfidf import CharNgramCounter, NgramTrace, Rows, WordCounter
from classifier.normalise import normalise_text
from classifier.tokens import STAT_NAMES, masked_char_view, text_stats, word_tokens

if TYPE_CHECKING:  # Tags exists from scikit-learn 1.6, the first version to call the hook below.
    from sklearn.utils import Tags

logger = logging.getLogger(__name__)

# Raise whenever a change to normalisation or tokens changes what a text turns into: artefacts
# record it, and loading one made by other feature code warns that it needs retraining.
# 4: engagement, self-promotion and reciprocity phrases; moments of the video (bench/README.md).
FEATURES_VERSION = 4


class Normaliser(TransformerMixin, BaseEstimator):
    """Stateless step that applies `normalise_text` to every text."""

    def fit(self, texts: Sequence[str], labels: object = None) -> "Normaliser":
        """Nothing to learn; present for the scikit-learn API."""
        return self

    def transform(self, texts: Sequence[str]) -> list[str]:
        """Return the normalised texts."""
        return [normalise_text(text) for text in texts]

    def __sklearn_tags__(self) -> "Tags":
        """Declare the step stateless, so scikit-learn never calls it unfitted."""
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


class TextStats(TransformerMixin, BaseEstimator):
    """Engineered counts (shouting, digits, phone numbers, emoji, ...), log-damped and scaled.

    Scaling is done here rather than by a MaxAbsScaler step to save a validation pass per call;
    like MaxAbsScaler it keeps zeros at zero, so the output can join the sparse blocks.
    """

    def fit(self, texts: Sequence[str], labels: object = None) -> "TextStats":
        """Learn each column's largest value (for scaling) and mean (the explanation baseline)."""
        raw = self._raw(texts)
        largest = raw.max(axis=0) if len(raw) else np.zeros(raw.shape[1])
        self.scale_ = np.where(largest > 0, largest, 1.0)
        self.mean_ = (raw / self.scale_).mean(axis=0) if len(raw) else np.zeros(raw.shape[1])
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Return one row of scaled statistics per text."""
        return self._raw(texts) / self.scale_

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Return the statistic names."""
        return np.array(STAT_NAMES, dtype=object)

    @staticmethod
    def _raw(texts: Sequence[str]) -> np.ndarray:
        stats = np.array([text_stats(text) for text in texts], dtype=np.float64)
        stats = stats.reshape(len(texts), len(STAT_NAMES))
        # Counts grow without bound; log1p keeps one 500-character rant from dominating the row.
        stats[:, 1:] = np.log1p(stats[:, 1:])
        return stats


def build_features(min_df: int = 2) -> Pipeline:
    """Return an unfitted pipeline mapping raw texts to one sparse matrix.

    `min_df` applies to character n-grams only: it drops n-grams seen in a single comment, which
    halves the vocabulary, but on a handful of texts it could leave nothing, so training lowers it.
    """
    words = TfidfVectorizer(analyzer=word_tokens, sublinear_tf=True, dtype=np.float32)
    chars = TfidfVectorizer(
        analyzer="char",
        preprocessor=masked_char_view,
        ngram_range=(3, 4),
        sublinear_tf=True,
        min_df=min_df,
        dtype=np.float32,
    )
    union = FeatureUnion([("word", words), ("chars", chars), ("stats", TextStats())])
    return Pipeline([("normalise", Normaliser()), ("union", union)])


_LINK_KINDS = {"domain": "url domain", "site": "url", "tld": "url tld", "param": "url parameter"}
_HAS_LINK = {
    "": "has link",
    "youtube": "has youtube link",
    "youtube-video": "has youtube video link",
}


def _readable(kind: str, name: str) -> str:
    if kind == "chars":
        return f"chars: {name!r}"
    if kind == "stats":
        return name
    link_kind, colon, value = name.partition(":")
    if link_kind == "link":
        return _HAS_LINK[value]
    if link_kind == "intent":
        return f"{value} intent phrase"
    if colon:
        return f"{_LINK_KINDS[link_kind]}: {value}"
    return f"word: {name}"


def feature_names(features: Pipeline) -> list[str]:
    """Return human-readable names for the columns of a fitted `build_features()` pipeline."""
    names = []
    for kind, transformer in features.named_steps["union"].transformer_list:
        names += [_readable(kind, str(name)) for name in transformer.get_feature_names_out()]
    return names


def feature_baseline(features: Pipeline) -> np.ndarray:
    """Return the value each column is compared with when explaining a score.

    Zero for words and n-grams (absent is the natural reference), the training mean for the
    statistics: every comment has a length, and only a longer than usual one is a spam signal.
    """
    blocks = []
    for _, transformer in features.named_steps["union"].transformer_list:
        width = len(transformer.get_feature_names_out())
        blocks.append(transformer.mean_ if isinstance(transformer, TextStats) else np.zeros(width))
    return np.concatenate(blocks)


@dataclass(frozen=True)
class CharTrace:
    """A batch's normalised texts, its character n-gram block (whose columns start at `offset`
    in the full rows) and where in the masked texts each of its n-grams was found."""

    texts: list[str]  # normalised
    block: Rows
    offset: int
    found: NgramTrace


class FeatureTransform:
    """Same output as a fitted `build_features()` pipeline's `transform`, much faster.

    Built once per loaded classifier. The pipeline's own transform validates its input and
    builds and stacks a sparse matrix per step, which costs more than a millisecond per call,
    most of the budget for scoring one comment, and counts character n-grams in a Python loop;
    `classifier.fast_tfidf` explains what is done instead.
    """

    def __init__(self, features: Pipeline) -> None:
        self._normaliser = features.named_steps["normalise"]
        union = dict(features.named_steps["union"].transformer_list)
        if list(union) != ["word", "chars", "stats"]:
            raise ValueError(f"unexpected feature blocks {list(union)}")
        self._words = WordCounter(union["word"])
        self._chars = CharNgramCounter(union["chars"])
        self._stats = union["stats"]

    def __call__(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Return one sparse row of features per text."""
        normalised = self._normaliser.transform(texts)
        return self._stack(normalised, self._chars.transform(normalised))

    def traced(self, texts: Sequence[str]) -> tuple[sparse.csr_matrix, CharTrace]:
        """The rows, plus where each character n-gram was found (for explanations)."""
        normalised = self._normaliser.transform(texts)
        chars, trace = self._chars.trace(normalised)
        return self._stack(normalised, chars), CharTrace(
            normalised, chars, self._words.width, trace
        )

    def _stack(self, normalised: list[str], chars: Rows) -> sparse.csr_matrix:
        stats = Rows.from_dense(self._stats.transform(normalised))
        rows = Rows.hstack([self._words.transform(normalised), chars, stats])
        shape = (len(normalised), rows.width)
        return sparse.csr_matrix((rows.data, rows.indices, rows.indptr), shape)


def transform_texts(features: Pipeline, texts: Sequence[str]) -> sparse.csr_matrix:
    """One-off `FeatureTransform(features)(texts)`; keep a `FeatureTransform` to score often."""
    return FeatureTransform(features)(texts)
