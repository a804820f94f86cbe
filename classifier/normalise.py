"""Text normalisation shared by training and scoring: undo the encodings spammers hide behind."""

import html
import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

# Zero-width space/non-joiner/joiner, word joiner, BOM and soft hyphen: invisible characters that
# split a word ("ca\u200bsino") without changing how it looks.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# Cyrillic and Greek letters that render like Latin ones. An explicit table rather than the full
# Unicode confusables list: it covers what spammers actually use and stays reviewable. Only
# look-alikes are folded, so genuine Italian/Spanish/German letters (è, à, ñ, ü, ç) survive.
_HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic lower case
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
        "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l",
        # Cyrillic upper case
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D",
        # Greek
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
        "α": "a", "ι": "i", "κ": "k", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    }
)  # fmt: skip

_INVISIBLE_CHAR = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")
_HOMOGLYPH_CHAR = re.compile("[" + "".join(map(chr, _HOMOGLYPHS)) + "]")

# Keep the target of a link: the URL is the spam signal, the label is often innocent ("2:19").
_ANCHOR = re.compile(
    r"""<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a\s*>""", re.I | re.S
)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_MAX_UNESCAPE_ROUNDS = 3


def _unescape(text: str) -> str:
    """Unescape HTML entities until stable, so "&amp;#39;" ends as an apostrophe."""
    for _ in range(_MAX_UNESCAPE_ROUNDS):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _replace_anchor(match: re.Match[str]) -> str:
    url, label = match.group(1), match.group(2)
    return f" {url} " if label.strip() in url else f" {url} {label} "


def normalise_text(text: str) -> str:
    """Return `text` with entities, tags, invisible characters and homoglyphs undone; case kept."""
    text = _unescape(text)
    if "<" in text:  # most comments have no markup: skip two regex scans
        text = _TAG.sub(" ", _ANCHOR.sub(_replace_anchor, text))
    if not text.isascii():  # NFKC and both tables leave ASCII text as it is
        text = unicodedata.normalize("NFKC", text)
        # str.translate looks every character up in a dict; a character-class search runs in
        # C, so the tables are applied only to the few texts that contain one of their keys.
        if _INVISIBLE_CHAR.search(text):
            text = text.translate(_INVISIBLE)
        if _HOMOGLYPH_CHAR.search(text):
            text = text.translate(_HOMOGLYPHS)
    # Collapses every whitespace run to one space and trims the ends, like re.sub(r"\s+", " ")
    # plus strip() (both use str.isspace's whitespace), without a regular expression.
    return " ".join(text.split())
