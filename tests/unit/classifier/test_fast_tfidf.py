"""The hand-rolled transforms must give exactly what scikit-learn's vectorizers give."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.fast_tfidf import CharNgramCounter, Rows, WordCounter
from classifier.features import build_features

from .conftest import HAM, SPAM

UNSEEN = [
    "",
    "ab",
    "abc",
    "   spaces   everywhere \t\n here  ",
    "😀😀😀😀 emoji and 𝐌𝐀𝐓𝐇 letters outside the BMP",
    "zzzq xxjw qqqq never seen before",
    "Numbers 2014 and 1,000,000 views; link www.example.com/path?ref=1",
    "Perché così? Già, è proprio così!!!",
]


def sklearn_matrix(rows: Rows, n_rows: int) -> sparse.csr_matrix:
    return sparse.csr_matrix((rows.data, rows.indices, rows.indptr), shape=(n_rows, rows.width))


def production_vectorizer(kind: str, min_df: int = 2) -> TfidfVectorizer:
    """The unfitted vectorizer `build_features` uses for the "word" or "chars" block."""
    return dict(build_features(min_df=min_df).named_steps["union"].transformer_list)[kind]


@pytest.mark.parametrize("min_df", [1, 2])
def test_char_ngram_counter_equals_the_vectorizer_transform(min_df: int) -> None:
    vectorizer = production_vectorizer("chars", min_df).fit(SPAM + HAM + UNSEEN[4:])
    texts = SPAM + HAM + UNSEEN
    fast = sklearn_matrix(CharNgramCounter(vectorizer).transform(texts), len(texts))
    expected = vectorizer.transform(texts)
    assert fast.dtype == expected.dtype
    # Bit for bit, not approximately: the arithmetic follows scikit-learn's.
    assert np.array_equal(fast.toarray(), expected.toarray())


def test_char_ngram_trace_says_where_each_counted_ngram_was_found() -> None:
    vectorizer = production_vectorizer("chars", 1).fit(SPAM + HAM)
    counter = CharNgramCounter(vectorizer)
    texts = SPAM + HAM + UNSEEN
    rows, trace = counter.trace(texts)
    assert np.array_equal(rows.data, counter.transform(texts).data)
    joined = "".join(trace.docs)
    names = vectorizer.get_feature_names_out()
    found = [joined[start : start + length] for start, length in zip(
        trace.starts.tolist(), trace.lengths.tolist(), strict=True)]  # fmt: skip
    assert found == list(names[rows.indices[trace.cells]])
    assert np.array_equal(np.bincount(trace.cells, minlength=len(rows.data)), trace.counts)


def test_word_counter_equals_the_vectorizer_transform() -> None:
    vectorizer = production_vectorizer("word").fit(SPAM + HAM)
    texts = SPAM + HAM + UNSEEN
    fast = sklearn_matrix(WordCounter(vectorizer).transform(texts), len(texts))
    assert np.array_equal(fast.toarray(), vectorizer.transform(texts).toarray())


def test_char_ngram_counter_refuses_other_vectorizers() -> None:
    words = TfidfVectorizer(sublinear_tf=True).fit(SPAM)
    with pytest.raises(ValueError, match="char"):
        CharNgramCounter(words)
    plain = TfidfVectorizer(analyzer="char", ngram_range=(3, 4)).fit(SPAM)
    with pytest.raises(ValueError, match="sublinear_tf"):
        CharNgramCounter(plain)


def test_rows_hstack_places_blocks_side_by_side_row_by_row() -> None:
    left = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 2.0]])
    right = np.array([[0.0, 3.0, 4.0], [5.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    stacked = Rows.hstack([Rows.from_dense(left), Rows.from_dense(right)])
    assert np.array_equal(sklearn_matrix(stacked, 3).toarray(), np.hstack([left, right]))
