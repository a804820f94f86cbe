"""Explanations in whole words, link domains and named signals, for a whole batch at once.

A linear classifier's log-odds are a sum of per-feature contributions. Its features are not
what a moderator reads: character n-grams cut words in half ("gior") and one link makes
several tokens. So each contribution is handed to what it was taken from, and summed there:

* a word, or a character n-gram lying in a word (found by position: an n-gram spanning two
  words is shared between them by their characters), goes to that word; a word pair, half to
  each word;
* a link's domain and path go to the domain;
* whatever says only that there is a link (its TLD, its parameters, "http", the placeholder
  n-grams read where the link was) goes to the "links" signal;
* request and praise phrases and the text statistics are named signals.

Items are data, `{"kind": "word" | "domain", "text", "weight"}` or
`{"kind": "signal", "name", "weight"}`, so whoever shows them can translate them. Only items
that pushed the score towards their side by at least MIN_WEIGHT are kept, and stop-words never.
"""

import logging
import re
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from scipy import sparse
from sklearn.pipeline import Pipeline

from classifier.features import CharTrace
from classifier.stopwords import STOP_WORDS
from classifier.tokens import (
    LINK_WORDS,
    PLACEHOLDER,
    YOUTUBE_PLACEHOLDER,
    link_words,
    written_words,
)

logger = logging.getLogger(__name__)

TOP_ITEMS = 5
# Contributions are log-odds: below this an item moved the score by well under 1 %.
MIN_WEIGHT = 0.05
_DECIMALS = 4

# Signal names are part of the stored explanation (the web UI translates them): keep them.
_STAT_SIGNALS = {
    "shouting": "capitals",
    "repeated characters": "repeated_characters",
    "digits": "digits",
    "phone numbers": "phone_numbers",
    "emoji": "emoji",
    "exclamation runs": "exclamation_marks",
    "length": "length",
}
_TOKEN_SIGNALS = {
    "link": "links",
    "tld": "links",
    "param": "links",
    "intent:spam": "spam_phrases",
    "intent:ham": "ham_phrases",
    "link:youtube": "youtube_link",
    "link:youtube-video": "youtube_link",
}
_WORD = re.compile(r"\w+")
_NUMBERS = re.compile(r"\d+")
_ASCII_WORD = np.array([bool(_WORD.fullmatch(chr(code))) for code in range(128)])

Unit = tuple[str, str]  # (kind, text or signal name)


class UnitTable:
    """The words, domains and signals a classifier's features can be attributed to."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.ids: dict[Unit, int] = {}

    def id(self, unit: Unit) -> int:
        """The unit's number, given on first sight."""
        number = self.ids.get(unit)
        if number is None:
            number = self.ids[unit] = len(self.units)
            self.units.append(unit)
        return number

    def word(self, word: str) -> int:
        """A word's unit: the "links" signal for words only links bring, "digits" for numbers."""
        if word in LINK_WORDS or word == PLACEHOLDER:
            return self.id(("signal", "links"))
        if word == YOUTUBE_PLACEHOLDER:
            return self.id(("signal", "youtube_link"))
        if not word.strip("0123456789"):
            return self.id(("signal", "digits"))
        return self.id(("word", word))

    def token(self, token: str) -> list[int]:
        """The units a word-block token counts for: one, or two for a word pair."""
        kind, colon, value = token.partition(":")
        if not colon:
            return [self.word(word) for word in token.split(" ")]
        if kind in ("domain", "site"):
            return [self.id(("domain", value.partition("/")[0]))]
        return [self.id(("signal", _TOKEN_SIGNALS.get(token) or _TOKEN_SIGNALS[kind]))]


class Explainer:
    """Turns a batch's per-cell contributions into each row's strongest items per side."""

    def __init__(self, features: Pipeline, weights: np.ndarray, baseline: np.ndarray) -> None:
        self._weights = weights
        self._baseline = baseline
        table = UnitTable()
        slots: list[list[int]] = []
        for kind, transformer in features.named_steps["union"].transformer_list:
            names = [str(name) for name in transformer.get_feature_names_out()]
            if kind == "word":
                slots += [table.token(name) for name in names]
            elif kind == "stats":
                slots += [[table.id(("signal", _STAT_SIGNALS[name]))] for name in names]
            else:  # character n-grams: attributed by position, per text
                slots += [[] for _ in names]
        # The words the n-gram text may hold, by name: table words, and those standing for a
        # signal (link placeholders and link words, "0" for any number).
        specials = {PLACEHOLDER, YOUTUBE_PLACEHOLDER, "0", *LINK_WORDS}
        self._word_ids = {word: table.word(word) for word in specials}
        self._word_ids.update((text, unit) for unit, (kind, text) in enumerate(table.units)
                              if kind == "word")  # fmt: skip
        self._table, self._units = table, table.units
        self._number_ids = {
            _NUMBERS.sub("0", text): unit
            for unit, (kind, text) in reversed(list(enumerate(table.units)))
            if kind == "word" and not text.isalpha() and _NUMBERS.search(text)
        }
        self._listed = np.array([_listed(unit) for unit in table.units], dtype=bool)
        kinds = [kind if kind != "signal" else name for kind, name in table.units]
        self._is_word = np.array([kind == "word" for kind in kinds], dtype=bool)
        self._is_link = np.isin(kinds, ["domain", "links", "youtube_link"])
        self._first = np.array([units[0] if units else -1 for units in slots], dtype=np.int64)
        self._second = np.array([units[1] if len(units) > 1 else -1 for units in slots])
        self._share = np.where(self._second >= 0, 0.5, 1.0)

    def explain(self, matrix: sparse.csr_matrix, trace: CharTrace) -> list[dict]:
        """Each row's {"spam": [...], "ham": [...]}, strongest first, TOP_ITEMS at most each.

        A cell's contribution is (value - baseline) * weight, in log-odds of spam.
        """
        indptr, columns = matrix.indptr, matrix.indices
        n_rows = len(indptr) - 1
        cell_rows = np.repeat(np.arange(n_rows), np.diff(indptr))
        # Character n-gram cells have no unit of their own: `_words` places them by position.
        static = self._first[columns] >= 0
        rows, columns, values = cell_rows[static], columns[static], matrix.data[static]
        values = (values - self._baseline[columns]) * self._weights[columns]
        second = self._second[columns]
        pair = second >= 0
        rows = np.concatenate([rows, rows[pair]])
        units = np.concatenate([self._first[columns], second[pair]])
        values = np.concatenate([values * self._share[columns], values[pair] * 0.5])
        strangers: dict[int, Unit] = {}  # entries whose unit the table lacks, numbered below
        words = self._words(trace, strangers, offset=len(units))
        self._move_link_words(trace.texts, rows, units, strangers, words)
        units = np.concatenate([units, words.units])
        local = _number(strangers, units, len(self._units))
        return self._rank(
            trace.texts,
            np.concatenate([rows, words.rows]),
            units,
            np.concatenate([values, words.values]),
            local,
        )

    def _move_link_words(
        self,
        texts: list[str],
        rows: np.ndarray,
        units: np.ndarray,
        strangers: dict[int, Unit],
        words: "_Words",
    ) -> None:
        """Give the words written only inside a link ("bonuscasino" of bonuscasino.com/promo)
        to the link's domain, in `units`; a word the text has outside its links too stays."""
        width = len(self._units)
        linked = np.unique(rows[self._is_link[units]])
        known = words.all_units >= 0
        outside = words.name_rows[known] * width + words.all_units[known]
        entries = np.flatnonzero(self._is_word[units] & np.isin(rows, linked))
        entries = entries[~np.isin(rows[entries] * width + units[entries], outside)]
        found = {row: dict(link_words(texts[row])) for row in np.unique(rows[entries]).tolist()}
        for at, row, unit in zip(entries.tolist(), rows[entries].tolist(),
                                 units[entries].tolist(), strict=True):  # fmt: skip
            domain = found[row].get(self._units[unit][1])
            if domain is not None:
                units[at] = self._table.ids.get(("domain", domain), -1)
                if units[at] < 0:
                    strangers[at] = ("domain", domain)

    def _words(self, trace: CharTrace, strangers: dict[int, Unit], offset: int) -> "_Words":
        """Row, unit and summed n-gram contribution of every word of the texts; words the
        table lacks go into `strangers`, by their entry's place (after `offset` others)."""
        found, block = trace.found, trace.block
        # One NUL between texts, so that no word runs from one text into the next.
        joined = "\0".join(found.docs)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        is_word = _is_word(codes)
        word_start = is_word.copy()
        word_start[1:] &= ~is_word[:-1]
        word_of = np.cumsum(word_start) - 1
        # Each occurrence's contribution is its cell's, shared among the times it was counted,
        # and then among the word characters it covers: spread over characters by differences.
        cell_values = block.data * self._weights[trace.offset + block.indices] / found.counts
        cell_rows = np.repeat(np.arange(len(block.indptr) - 1), np.diff(block.indptr))
        starts = found.starts + cell_rows[found.cells]  # the NULs shift each text by its row
        ends = starts + found.lengths
        inside = np.concatenate([[0], np.cumsum(is_word)])
        covered = inside[ends] - inside[starts]
        shares = np.where(covered > 0, cell_values[found.cells] / np.maximum(covered, 1), 0.0)
        size = len(codes) + 1
        spread = np.bincount(starts, shares, size) - np.bincount(ends, shares, size)
        per_character = np.cumsum(spread[:-1])
        names = _WORD.findall(joined)
        word_values = np.bincount(word_of[is_word], per_character[is_word], len(names))
        text_starts = np.cumsum([0] + [len(doc) + 1 for doc in found.docs[:-1]])
        name_rows = np.searchsorted(text_starts, np.flatnonzero(word_start), side="right") - 1
        all_units = np.fromiter(map(self._word_ids.get, names, repeat(-1)), np.int64, len(names))
        counted = np.flatnonzero(word_values != 0)
        units = all_units[counted]
        word_rows = name_rows[counted]
        for at in np.flatnonzero(units < 0).tolist():
            name = names[counted[at]]
            if "0" in name:  # the n-grams' text has "0" for every number
                units[at] = self._number_word(name)
            if units[at] < 0:
                strangers[offset + at] = ("word", name)
        return _Words(word_rows, units, word_values[counted], all_units, name_rows)

    def _number_word(self, name: str) -> int:
        """The unit (-1: not in the table) of a word with a number, as the n-grams read it:
        "digits" for a number with a short unit ("0k" of 10k, "0th"), else the table's word
        that reads so ("v1agra" for "v0agra"); `_rank` names a word not in the table as the
        text writes it."""
        if sum(map(str.isalpha, name)) < 3:
            return self._word_ids["0"]
        return self._number_ids.get(name, -1)

    def _rank(
        self, texts: list[str], rows: np.ndarray, units: np.ndarray, values: np.ndarray,
        local: list[Unit],
    ) -> list[dict]:  # fmt: skip
        n_rows = len(texts)
        stride = len(self._units) + len(local)
        keys, where = np.unique(rows * stride + units, return_inverse=True)
        sums = np.round(np.bincount(where.reshape(-1), values), _DECIMALS)
        rows, units = np.divmod(keys, stride)
        listed = np.concatenate([self._listed, np.array(list(map(_listed, local)), dtype=bool)])
        keep = listed[units] & (np.abs(sums) >= MIN_WEIGHT)
        known = len(self._units)
        sides = []
        for sign in (1, -1):
            chosen = keep & (sums * sign > 0)
            row, unit, value = rows[chosen], units[chosen], sums[chosen]
            order = np.lexsort((unit, -value * sign, row))
            row, unit, value = row[order], unit[order], value[order]
            top = np.arange(len(row)) - np.searchsorted(row, row) < TOP_ITEMS
            items = [
                _item(self._units[u]) if u < known else _local_item(local[u - known], texts[r])
                for r, u in zip(row[top].tolist(), unit[top].tolist(), strict=True)
            ]
            for item, weight in zip(items, value[top].tolist(), strict=True):
                item["weight"] = weight
            ends = np.cumsum(np.bincount(row[top], minlength=n_rows)).tolist()
            sides.append([items[a:b] for a, b in zip([0, *ends], ends, strict=False)])
        return [{"spam": spam, "ham": ham} for spam, ham in zip(*sides, strict=True)]


@dataclass(frozen=True)
class _Words:
    """What `Explainer._words` found: entries for the words with a contribution, and the unit
    (-1: not in the table) and row of every word of the n-grams' text, where links are
    placeholders."""

    rows: np.ndarray
    units: np.ndarray
    values: np.ndarray
    all_units: np.ndarray
    name_rows: np.ndarray


def _number(strangers: dict[int, Unit], units: np.ndarray, first: int) -> list[Unit]:
    """Number the units the table lacks from `first` on, in sorted order (so that a text is
    explained the same alone or in any batch), write them into `units`, and list them."""
    local = sorted(set(strangers.values()))
    numbers = {unit: first + number for number, unit in enumerate(local)}
    for at, unit in strangers.items():
        units[at] = numbers[unit]
    return local


def _as_written(name: str, text: str) -> str:
    """The word of `text` that reads `name` once its numbers are "0" ("v1agra" for "v0agra")."""
    for word in written_words(text):
        if not word.isalpha() and _NUMBERS.sub("0", word) == name:
            return word
    return name


def _listed(unit: Unit) -> bool:
    kind, text = unit
    return kind != "word" or text not in STOP_WORDS


def _item(unit: Unit) -> dict:
    kind, value = unit
    return {"kind": kind, "name" if kind == "signal" else "text": value}


def _local_item(unit: Unit, text: str) -> dict:
    """A unit not in the table; a word with a number is named as `text` writes it."""
    kind, value = unit
    if kind == "word" and "0" in value:
        return {"kind": kind, "text": _as_written(value, text)}
    return _item(unit)


def _is_word(codes: np.ndarray) -> np.ndarray:
    """Which characters `\\w` matches, as the regular expression that names the words does."""
    ascii_ = codes < 128
    if ascii_.all():
        return _ASCII_WORD[codes]
    result = np.zeros(len(codes), dtype=bool)
    result[ascii_] = _ASCII_WORD[codes[ascii_]]
    others, where = np.unique(codes[~ascii_], return_inverse=True)
    matches = np.array([bool(_WORD.fullmatch(chr(code))) for code in others.tolist()])
    result[~ascii_] = matches[where.reshape(-1)]
    return result
