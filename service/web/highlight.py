"""The classifier's explanation as the pages show it: translated items, and the spam side's
words and domains marked in a comment's text, safely.

Explanations are stored as the classifier wrote them. Today's items are data
(`{"kind": "word" | "domain", "text"}` or `{"kind": "signal", "name"}`, classifier/explain.py);
comments scored before carry `{"feature": "word: x"}` strings, read here by their prefixes:
their words, domains and known signals are shown, their character n-grams ("chars: 'gior'",
pieces of words that meant nothing to a moderator) are not.

The text is user input. It is split at the matches found in the raw text, each piece is
escaped on its own and only then wrapped in `<mark>`: nothing of the user's text is ever
marked safe unescaped, and a word such as "amp" cannot match inside an escaped `&amp;`.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext
from markupsafe import Markup, escape

KIND_LABELS = {
    "word": lazy_gettext("word"),
    "domain": lazy_gettext("link domain"),
    "signal": lazy_gettext("signal"),
}
# The signals classifier/explain.py names; an unknown one is shown by its name.
SIGNAL_LABELS = {
    "links": lazy_gettext("links in the text"),
    "youtube_link": lazy_gettext("link to YouTube"),
    "spam_phrases": lazy_gettext("requests to click, visit or subscribe"),
    "ham_phrases": lazy_gettext("talk about the video or song"),
    "capitals": lazy_gettext("capital letters"),
    "repeated_characters": lazy_gettext("repeated letters"),
    "digits": lazy_gettext("numbers"),
    "phone_numbers": lazy_gettext("phone numbers"),
    "emoji": lazy_gettext("emoji"),
    "exclamation_marks": lazy_gettext("runs of exclamation marks"),
    "length": lazy_gettext("length"),
}
# Feature names of the explanations stored before items were data (classifier/features.py
# wrote them): the prefixes that name text, and the whole names that are signals.
OLD_PREFIXES = {"word: ": "word", "url domain: ": "domain", "url: ": "domain"}
OLD_SIGNALS = {
    "has link": "links",
    "url tld": "links",
    "has youtube link": "youtube_link",
    "has youtube video link": "youtube_link",
    "spam intent phrase": "spam_phrases",
    "ham intent phrase": "ham_phrases",
    "shouting": "capitals",
    "repeated characters": "repeated_characters",
    "digits": "digits",
    "phone numbers": "phone_numbers",
    "emoji": "emoji",
    "exclamation runs": "exclamation_marks",
    "length": "length",
}


@dataclass(frozen=True)
class Evidence:
    """One item of an explanation: a word or domain (`text`), or a signal (`name`)."""

    kind: str
    text: str  # the word or domain; the signal's name
    weight: float | None

    @property
    def label(self) -> str:
        """What the page shows: the word or domain itself, or the signal in words."""
        if self.kind == "signal":
            return str(SIGNAL_LABELS.get(self.text, self.text))
        return self.text

    @property
    def kind_label(self) -> str:
        """The kind in words ("link domain")."""
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def marks_text(self) -> bool:
        """Whether the comment's text holds it (words and domains do, signals not)."""
        return self.kind in ("word", "domain")


def explanation_items(explanation: dict | None, side: str) -> list[Evidence]:
    """The items of one side ("spam" or "ham") that a page shows, in either stored format."""
    found = []
    for item in (explanation or {}).get(side) or []:
        evidence = read_item(item) if isinstance(item, dict) else None
        if evidence is not None:
            found.append(evidence)
    return found


def read_item(item: dict) -> Evidence | None:
    """An item of either format as `Evidence`, or None when there is nothing to show."""
    weight = item.get("weight")
    weight = float(weight) if isinstance(weight, int | float) else None
    kind = item.get("kind")
    if kind in ("word", "domain") and str(item.get("text") or "").strip():
        return Evidence(kind, str(item["text"]), weight)
    if kind == "signal" and item.get("name"):
        return Evidence(kind, str(item["name"]), weight)
    return read_old_feature(str(item.get("feature", "")), weight)


def read_old_feature(feature: str, weight: float | None) -> Evidence | None:
    """A feature name of the old format ("word: gratis", "url domain: x", "length")."""
    for prefix, kind in OLD_PREFIXES.items():
        if feature.startswith(prefix) and feature[len(prefix) :].strip():
            text = feature[len(prefix) :]
            # "url: " named the domain and the path's first part; the domain is what it meant.
            return Evidence(kind, text.split("/")[0] if prefix == "url: " else text, weight)
    name = OLD_SIGNALS.get(feature.partition(":")[0])
    return Evidence("signal", name, weight) if name else None


def spam_terms(explanation: dict | None) -> list[str]:
    """The words and domains of the spam side, which the comment's text holds."""
    return [item.text for item in explanation_items(explanation, "spam") if item.marks_text]


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur as whole words (case-insensitive), overlaps merged, in order."""
    spans = []
    for term in terms:
        pattern = rf"(?<!\w){re.escape(term)}(?!\w)"
        spans += [match.span() for match in re.finditer(pattern, text, re.IGNORECASE)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, explanation: dict | None) -> Markup:
    """`text` escaped, with the spam side's words and domains wrapped in <mark>."""
    pieces, position = [], 0
    for start, end in match_spans(text, spam_terms(explanation)):
        pieces.append(escape(text[position:start]))
        pieces.append(Markup("<mark>%s</mark>") % text[start:end])  # %-formatting escapes
        position = end
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)
