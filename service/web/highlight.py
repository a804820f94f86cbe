"""The classifier's spam features, marked in a comment's text, safely.

The text is user input. It is split at the matches found in the raw text, each piece is
escaped on its own and only then wrapped in `<mark>`: nothing of the user's text is ever
marked safe unescaped, and a feature such as "amp" cannot match inside an escaped `&amp;`.
"""

import ast
import re
from collections.abc import Iterable

from markupsafe import Markup, escape

# Feature names as classifier/features.py writes them; only those naming text get marked.
WORD_PREFIXES = ("word: ", "url domain: ", "url: ", "url tld: ")
CHARS_PREFIX = "chars: "


def spam_terms(explanation: dict | None) -> list[tuple[str, bool]]:
    """The pieces of text named by the spam side's features, each with whether it is a whole
    word (words, link parts) or may sit anywhere (character n-grams)."""
    terms = []
    for item in (explanation or {}).get("spam", []) or []:
        term = feature_text(str(item.get("feature", "")))
        if term is not None and term[0].strip():
            terms.append(term)
    return terms


def feature_text(feature: str) -> tuple[str, bool] | None:
    """The text a feature stands for ("word: gratis" -> ("gratis", True)), or None ("length")."""
    for prefix in WORD_PREFIXES:
        if feature.startswith(prefix):
            return feature[len(prefix) :], True
    if feature.startswith(CHARS_PREFIX):
        try:
            value = ast.literal_eval(feature[len(CHARS_PREFIX) :])  # written with repr()
        except (ValueError, SyntaxError):
            return None
        return (value, False) if isinstance(value, str) else None
    return None


def match_spans(text: str, terms: Iterable[tuple[str, bool]]) -> list[tuple[int, int]]:
    """Where the terms occur (case-insensitive), overlapping matches merged, in order."""
    spans = []
    for term, whole_word in terms:
        pattern = rf"(?<!\w){re.escape(term)}(?!\w)" if whole_word else re.escape(term)
        spans += [match.span() for match in re.finditer(pattern, text, re.IGNORECASE)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, explanation: dict | None) -> Markup:
    """`text` escaped, with the spam features' matches wrapped in <mark>."""
    pieces, position = [], 0
    for start, end in match_spans(text, spam_terms(explanation)):
        pieces.append(escape(text[position:start]))
        pieces.append(Markup("<mark>%s</mark>") % text[start:end])  # %-formatting escapes
        position = end
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)
