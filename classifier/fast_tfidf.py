"""Fast transforms for fitted TF-IDF vectorizers, as plain CSR arrays.

Hand-rolled on purpose, for speed only. Fitting stays with scikit-learn; these read a fitted
`TfidfVectorizer`'s vocabulary and IDF weights and return the same rows as its `transform`
(unit tests compare the two). Two costs are avoided:

* scikit-learn builds every character n-gram as a Python string and counts it in a Python
  loop, which was a third of the time spent scoring a batch. `CharNgramCounter` looks the
  n-grams up with array operations over the whole batch.
* Each scikit-learn transform builds and validates several sparse matrices, and scipy's
  constructors are slow for a single row: that overhead was most of the time spent scoring
  one comment. `Rows` keeps the three CSR arrays and builds one matrix at the very end.
"""

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

logger = logging.getLogger(__name__)

# Unicode code points fit in 21 bits, so three of them pack exactly into one 64-bit key.
_BITS = 21
_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer collapses first


@dataclass(frozen=True)
class Rows:
    """Sparse rows as CSR arrays: row i is data/indices[indptr[i]:indptr[i + 1]]."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int

    @classmethod
    def from_dense(cls, dense: np.ndarray) -> "Rows":
        """Keep the non-zero cells of a dense 2-D array."""
        rows, columns = np.nonzero(dense)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(dense)))])
        return cls(indptr, columns, dense[rows, columns], dense.shape[1])

    @classmethod
    def hstack(cls, blocks: Sequence["Rows"]) -> "Rows":
        """Place the blocks side by side, without sorting: each row's cells stay in order."""
        counts = np.stack([np.diff(block.indptr) for block in blocks])  # (blocks, rows)
        indptr = np.concatenate([[0], np.cumsum(counts.sum(axis=0))])
        before = np.cumsum(counts, axis=0) - counts  # cells of earlier blocks in the same row
        indices, data, offset = [], [], 0
        positions = []
        for number, block in enumerate(blocks):
            rows = np.repeat(np.arange(len(block.indptr) - 1), np.diff(block.indptr))
            within = np.arange(len(block.indices)) - block.indptr[rows]
            positions.append(indptr[rows] + before[number, rows] + within)
            indices.append(block.indices + offset)
            data.append(block.data)
            offset += block.width
        order = np.empty(indptr[-1], dtype=np.int64)
        order[np.concatenate(positions)] = np.arange(indptr[-1])
        return cls(indptr, np.concatenate(indices)[order], np.concatenate(data)[order], offset)


class TfidfRows:
    """A fitted TF-IDF vectorizer's `transform`, from counts to `Rows`."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"):
            raise ValueError("expected a vectorizer with sublinear_tf, use_idf and l2 norm")
        self.width = len(vectorizer.vocabulary_)
        self._dtype = vectorizer.dtype
        self._idf = vectorizer.idf_

    def weigh(self, rows: np.ndarray, columns: np.ndarray, n_rows: int) -> Rows:
        """Turn one (row, column) pair per occurrence into L2-normalised sublinear TF-IDF.

        The arithmetic follows scikit-learn's step for step (float32 cells, float64 IDF and
        norms), so the result is the same to the last bit, not just close.
        """
        cells, counts = np.unique(rows * self.width + columns, return_counts=True)
        return self._weigh_cells(cells, counts, n_rows)

    def _weigh_cells(self, cells: np.ndarray, counts: np.ndarray, n_rows: int) -> Rows:
        rows, columns = np.divmod(cells, self.width)
        data = counts.astype(self._dtype)
        np.log(data, out=data)
        data += 1
        data *= self._idf[columns]
        squares = np.bincount(rows, weights=data * data, minlength=n_rows)
        data = (data / np.sqrt(squares)[rows]).astype(self._dtype)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_rows))])
        return Rows(indptr, columns, data, self.width)


class WordCounter(TfidfRows):
    """`transform` of a fitted word `TfidfVectorizer` (any analyzer)."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        super().__init__(vectorizer)
        self._analyze = vectorizer.build_analyzer()
        self._vocabulary = vectorizer.vocabulary_

    def transform(self, texts: Sequence[str]) -> Rows:
        """Return the rows the vectorizer's own `transform` would return."""
        get = self._vocabulary.get
        rows, columns = [], []
        for row, text in enumerate(texts):
            found = [column for column in map(get, self._analyze(text)) if column is not None]
            rows += [row] * len(found)
            columns += found
        return self.weigh(
            np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64), len(texts)
        )


def _collapse_white_spaces(text: str) -> str:
    # Every whitespace character except " " is unprintable, so a printable text without "  "
    # has no run for the regular expression to collapse: skip its scan.
    if text.isprintable() and "  " not in text:
        return text
    return _WHITE_SPACES.sub(" ", text)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _key3(codes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return (codes[starts] << (2 * _BITS)) | (codes[starts + 1] << _BITS) | codes[starts + 2]


class CharNgramCounter(TfidfRows):
    """`transform` of a fitted `TfidfVectorizer(analyzer="char", ngram_range=(3, 4))`.

    Every three characters pack exactly into one integer key. One sorted table holds the keys
    of the vocabulary's three-grams and of its four-grams' first three characters, so one
    binary search per position finds both the three-gram's column and, as the table index,
    the prefix of any four-gram starting there; index * 2**21 + fourth character is then the
    exact key of that four-gram in a second table.
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if vectorizer.analyzer != "char" or tuple(vectorizer.ngram_range) != (3, 4):
            raise ValueError("CharNgramCounter handles char analyzers with ngram_range (3, 4)")
        super().__init__(vectorizer)
        self._preprocess = vectorizer.build_preprocessor()
        grams: dict[int, list[str]] = {3: [], 4: []}
        columns: dict[int, list[int]] = {3: [], 4: []}
        for gram, column in vectorizer.vocabulary_.items():
            grams[len(gram)].append(gram)
            columns[len(gram)].append(column)
        three, four = _codes("".join(grams[3])), _codes("".join(grams[4]))
        keys3 = _key3(three, np.arange(0, len(three), 3))
        prefixes = _key3(four, np.arange(0, len(four), 4))
        self._table = np.unique(np.concatenate([keys3, prefixes]))
        self._columns3 = np.full(len(self._table), -1, dtype=np.int64)
        self._columns3[np.searchsorted(self._table, keys3)] = columns[3]
        ranks = np.searchsorted(self._table, prefixes).astype(np.uint64)
        keys4 = (ranks << _BITS) | four[np.arange(3, len(four), 4)]
        order = np.argsort(keys4)
        self._keys4, self._columns4 = keys4[order], np.asarray(columns[4], dtype=np.int64)[order]

    def transform(self, texts: Sequence[str]) -> Rows:
        """Return the rows the vectorizer's own `transform` would return."""
        docs = self.documents(texts)
        rows, columns, _, _ = self._occurrences(docs)
        return self.weigh(rows, columns, len(docs))

    def documents(self, texts: Sequence[str]) -> list[str]:
        """The texts as the n-grams are read from them (preprocessed, white space collapsed)."""
        return [_collapse_white_spaces(self._preprocess(text)) for text in texts]

    def trace(self, texts: Sequence[str]) -> tuple[Rows, "NgramTrace"]:
        """`transform`, plus where in the documents each counted n-gram was found."""
        docs = self.documents(texts)
        rows, columns, starts, lengths = self._occurrences(docs)
        cells, occurrence_cells, counts = np.unique(
            rows * self.width + columns, return_inverse=True, return_counts=True
        )
        block = self._weigh_cells(cells, counts, len(docs))
        return block, NgramTrace(docs, starts, lengths, occurrence_cells, counts)

    def _occurrences(
        self, docs: list[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Row, column, start (in the joined documents) and length of every known n-gram."""
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        codes = _codes("".join(docs))
        positions = np.arange(len(codes))
        row_of = np.repeat(np.arange(len(docs)), lengths)
        room = np.repeat(np.cumsum(lengths), lengths) - positions  # characters left in the doc
        starts = positions[room >= 3]
        rows = row_of[starts]
        keys = _key3(codes, starts)
        index = np.searchsorted(self._table, keys)
        known = index < len(self._table)
        known[known] = self._table[index[known]] == keys[known]
        column3 = np.where(known, self._columns3[np.minimum(index, len(self._table) - 1)], -1)
        # Four-grams: a known prefix with a fourth character still inside the document.
        extend = known & (room[starts] >= 4)
        keys4 = (index[extend].astype(np.uint64) << _BITS) | codes[starts[extend] + 3]
        at = np.searchsorted(self._keys4, keys4)
        hit = at < len(self._keys4)
        hit[hit] = self._keys4[at[hit]] == keys4[hit]
        found3 = column3 >= 0
        return (
            np.concatenate([rows[found3], rows[extend][hit]]),
            np.concatenate([column3[found3], self._columns4[at[hit]]]),
            np.concatenate([starts[found3], starts[extend][hit]]),
            np.repeat([3, 4], [np.count_nonzero(found3), np.count_nonzero(hit)]),
        )


@dataclass(frozen=True)
class NgramTrace:
    """Where `CharNgramCounter.trace` found each n-gram it counted.

    Occurrence i starts at `starts[i]` in `"".join(docs)`, is `lengths[i]` characters long and
    counts towards cell `cells[i]` of the returned rows, a cell counted `counts[cell]` times.
    """

    docs: list[str]
    starts: np.ndarray
    lengths: np.ndarray
    cells: np.ndarray
    counts: np.ndarray
