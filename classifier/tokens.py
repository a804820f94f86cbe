"""Analyzers that turn normalised text into tokens and counts that survive spammers' tricks."""

import functools
import logging
import re
import string
from typing import NamedTuple

logger = logging.getLogger(__name__)

# soooo -> soo: keeps "this is soo good" apart from "so" but maps every longer stretch together.
# "\1\1+" rather than "\1{2,}": the same matches, about a third faster in CPython's engine.
_REPEATS = re.compile(r"(.)\1\1+")
_WORD = re.compile(r"[\w@$]+")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_LEET_CHARS = frozenset("013457@$")

# Top-level domains we accept. A list instead of "any 2+ letters", otherwise "song.it" or
# "lol.so" in ordinary sentences would all look like links.
_TLDS = (
    "com|net|org|info|biz|xyz|top|site|online|club|shop|store|live|app|dev|page|link|click|win|vip|"
    "pro|mobi|name|tv|me|io|co|ly|gl|gd|be|to|cc|ws|su|ru|ua|uk|de|it|fr|es|pt|br|mx|ar|in|us|ca|"
    "au|nz|pl|nl|eu|ch|at|se|no|dk|fi|cz|gr|ro|hu|tk|ml|ga|cf|gq|cn|jp|kr|tw|hk|sg|my|ph|id|vn|th"
)
# With spaces around the dot ("pimpmyviews. com") only TLDs that are not everyday words count.
_SAFE_TLDS = "com|net|org|info|biz|xyz|ru|ly|gl|tk"
# Words that only a link puts in a text ("http", "www", "com"; "ww" is "www" as `char_view`
# shortens it): explanations count them as the link's, not as words the commenter wrote.
LINK_WORDS = frozenset({"http", "https", "www", "ww", *_SAFE_TLDS.split("|")})
# Normalised text has single spaces only, so " ?" is enough and much cheaper than "\s*".
_DOT_WORD = re.compile(r" ?[\[({] ?(?:\.|dot) ?[\])}] ?| dot (?=[a-z0-9])")
_SPACED_DOT = re.compile(rf"(?<=[a-z0-9])(?: \. ?| ?\. )(?=(?:{_SAFE_TLDS})\b)")
_DOMAIN = re.compile(
    # Labels are not checked for length or edge hyphens: looser, and three times faster.
    rf"(?<![\w.-])(https?://)?((?:[a-z0-9-]+\.)+({_TLDS}))"
    r"(?![\w-])(/[^\s/?#]*)?([?#][^\s]*)?"
)
# TLDs that are also words ("song.it is", "call.me"): these need a scheme, "www." or a path
# before we believe a link; otherwise a missing space after a full stop would look like one.
_WORDLIKE_TLDS = frozenset({"it", "me", "to", "be", "in", "co", "us", "no", "at", "my", "id"})
# Query and fragment keys: "?ref=" and "#friend=" mark referral spam, "&t=" a fan's timestamp.
_PARAM = re.compile(r"[?&#;]([a-z_]{1,20})=")
_WWW = re.compile(r"^(?:www\d?|m)\.")
# Links to YouTube itself are common in ham (a fan sharing the video, or "2:19" linking to a
# moment of it) but rare in spam, so they get a link kind of their own instead of "link:".
_YOUTUBE = frozenset({"youtube.com", "youtu.be"})
# What `masked_char_view` puts where a link was.
PLACEHOLDER, YOUTUBE_PLACEHOLDER = "url", "yturl"

# Generic intents, written once by hand (not learnt): asking for subscriptions, visits, clicks or
# money is spam whatever the video; talking about the song itself is ham. Each kind of phrase
# found adds one shared "intent:spam" or "intent:ham" token, so a spam request phrased with words
# never seen in training still shares the weight learnt from all the others. Only the spam list
# is worth much on its own (bench/README.md); English only, like the YouTube training corpus.
# Matched on the word list with sets and substring tests, not regular expressions: these run on
# every comment scored (two small regular expressions remain, for reciprocity and timestamps).
_SPAM_WORDS = frozenset({"free", "win", "click", "visit", "money", "earn", "join", "support"})
# First word -> prefixes of the next word: "check out", "my channel(s)", "please subscribe".
_SPAM_PAIRS = {
    "check": ("out", "it", "my"),
    "my": ("channel", "video", "page", "music", "song"),
    "please": ("check", "sub", "share", "like", "watch", "help"),
    "follow": ("me",),
    "go": ("to",),
}
# Requests for engagement or contact that the pairs above miss, as whole word sequences: likes
# and shares for a comment ("like this comment if ..."), self-promotion ("see my", "my new") and
# "message me". Each phrase found is one more kind of request.
_SPAM_PHRASES = (
    "like this comment", "like my comment", "like the comment", "give it a like",
    "give this a like", "give me a like", "share this", "share it", "share my",
    "sub me", "sub to", "see my", "look at my", "listen to my", "view my", "watch my",
    "take a look", "my new", "add me", "message me", "contact me", "text me", "call me",
    "dm me", "hit me up",
)  # fmt: skip
# First word -> the phrases starting with it, each padded so it matches whole words only.
_PHRASES_BY_HEAD: dict[str, list[str]] = {}
for _phrase in _SPAM_PHRASES:
    _PHRASES_BY_HEAD.setdefault(_phrase.split()[0], []).append(f" {_phrase} ")
# Reciprocity offers: "sub 4 sub", "like4like", "follow for follow".
_RECIPROCAL = re.compile(r"\b(sub|follow|like|view|comment|share)s? ?(?:4|for) ?\1")
_PRAISE = frozenset({"love", "like", "best", "great", "awesome", "amazing", "beautiful", "nice"})
_PRAISE |= {"cool"}
_SONG = frozenset({"song", "video", "music", "beat", "lyrics"})
_HAM_PAIRS = {
    **dict.fromkeys(("song", "video", "music"), frozenset({"is", "was"})),
    "who": frozenset({"is", "else", "still"}),
}
_DIGITS = re.compile(r"\d+")
# A moment of the video ("2:19 best part", or a link with "&t=2m19s"): fans point at the song
# itself, so this counts as one more kind of ham phrase.
_TIMESTAMP = re.compile(r"(?<![\d:])\d{1,2}:[0-5]\d(?![\d:])|[?&;]t=\d")

# For the statistic only letters count, and "www" is not enthusiasm.
_LETTER_REPEATS = re.compile(r"(?!www)([^\W\d_])\1\1+", re.IGNORECASE)
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")
_EXCLAIM_RUN = re.compile(r"!{2,}")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff]")
_ASCII_UPPER = string.ascii_uppercase.encode()
_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_DIGITS = string.digits.encode()
STAT_NAMES = (
    "shouting",
    "repeated characters",
    "digits",
    "phone numbers",
    "emoji",
    "exclamation runs",
    "length",
)


def collapse_repeats(text: str) -> str:
    """Shorten runs of three or more identical characters to two ("soooo" -> "soo")."""
    return _REPEATS.sub(r"\1\1", text)


def char_view(text: str) -> str:
    """Return the lower-cased, repeat-collapsed text that words are taken from."""
    return collapse_repeats(text.lower())


def masked_char_view(text: str) -> str:
    """Return `char_view(text)` with each link replaced by " url " (" yturl " for YouTube).

    The character n-grams are taken from this. Link tokens already describe each link; the
    n-grams of random URL paths ("/watch?v=KQ6z...") only taught the classifier that any
    long string of URL characters is spam, including a fan's link to the video itself.
    Every run of digits becomes "0": which number a comment quotes (a view count, a year) says
    nothing general, only that it quotes one.
    """
    text = text.lower()
    if "." in text:  # a link needs a dot; most comments without one skip the long pattern
        text = _DOMAIN.sub(_link_placeholder, text)
    text = collapse_repeats(text)
    if text.isascii() and not _ascii_count(text, _ASCII_DIGITS):
        return text  # nothing for the digit pattern to replace; counting in C is cheaper
    return _DIGITS.sub("0", text)


def _link_placeholder(match: re.Match[str]) -> str:
    scheme, domain, tld, path, _ = match.groups()
    if not _is_link(scheme, domain, tld, path):
        return match.group(0)
    return f" {YOUTUBE_PLACEHOLDER} " if _WWW.sub("", domain) in _YOUTUBE else f" {PLACEHOLDER} "


def _is_link(scheme: str | None, domain: str, tld: str, path: str | None) -> bool:
    # TLDs that are also words ("song.it is") need a scheme, "www." or a path to count.
    return tld not in _WORDLIKE_TLDS or bool(scheme or path or domain.startswith("www."))


def deleet(token: str) -> str:
    """Undo digit/symbol substitutions in a word ("v1agra" -> "viagra"); numbers stay as is."""
    if not _LEET_CHARS.intersection(token) or sum(map(str.isalpha, token)) < 2:
        return token
    return token.translate(_LEET)


def word_tokens(text: str) -> list[str]:
    """Return words, word bigrams, de-obfuscated leetspeak words, link and intent tokens."""
    words = written_words(text)
    tokens = words + list(map(" ".join, zip(words, words[1:], strict=False)))
    # Only a word with a digit or symbol can change; the set makes "already a word" cheap.
    seen = set(words)
    tokens += [clean for clean in map(deleet, _not_alpha(words)) if clean not in seen]
    # Link tokens share this vocabulary (a colon never occurs in a word, so names stay apart);
    # a vectorizer of their own would fail to fit on a corpus without any links.
    maybe_timestamp = ":" in text or "t=" in text
    timestamp = ["intent:ham"] if maybe_timestamp and _TIMESTAMP.search(text) else []
    return tokens + link_tokens(text) + intent_tokens(words) + timestamp


def written_words(text: str) -> list[str]:
    """The words of `text` as `word_tokens` reads them (lower case, repeats shortened)."""
    words = [w.strip("@$_") for w in _WORD.findall(char_view(text))]
    return [w for w in words if w]


def _not_alpha(words: list[str]) -> list[str]:
    return [word for word in words if not word.isalpha()]


def intent_tokens(words: list[str]) -> list[str]:
    """Return "intent:spam" per kind of spam request and "intent:ham" per kind of ham phrase."""
    # Set intersections first, so the Python loops over word pairs run only for the few
    # comments that contain a first word at all: this runs for every comment scored.
    present = set(words)
    joined = f" {' '.join(words)} "
    spam = len(_SPAM_WORDS & present) + (" subscri" in joined)
    for head in _PHRASES_BY_HEAD.keys() & present:
        spam += sum(phrase in joined for phrase in _PHRASES_BY_HEAD[head])
    spam += ("4" in joined or "for" in joined) and bool(_RECIPROCAL.search(joined))
    heads = _SPAM_PAIRS.keys() & present
    if heads:
        pairs = zip(words, words[1:], strict=False)
        spam += len({a for a, b in pairs if a in heads and b.startswith(_SPAM_PAIRS[a])})
    ham = int(bool(_PRAISE & present and _SONG & present) and _praises_the_song(words))
    heads = _HAM_PAIRS.keys() & present
    if heads:
        pairs = zip(words, words[1:], strict=False)
        ham += len({a for a, b in pairs if a in heads and b in _HAM_PAIRS[a]})
    ham += "lol" in present or " haha" in joined
    return ["intent:spam"] * spam + ["intent:ham"] * ham


def _praises_the_song(words: list[str]) -> bool:
    """Return whether a praise word comes right before a song word, or before "this/the" one."""
    return any(a in _PRAISE and b in _SONG for a, b in zip(words, words[1:], strict=False)) or any(
        a in _PRAISE and b in ("this", "the") and c in _SONG
        for a, b, c in zip(words, words[1:], words[2:], strict=False)
    )


def _deobfuscate_dots(text: str) -> str:
    """Rewrite "foo dot com", "foo[.]com" and "foo. com" as "foo.com"."""
    text = text.lower()
    # Each pattern needs a character or word the text may not have: skip scans that cannot match.
    if "dot" in text or "[" in text or "(" in text or "{" in text:
        text = _DOT_WORD.sub(".", text)
    if " ." in text or ". " in text:
        text = _SPACED_DOT.sub(".", text)
    return text


def link_tokens(text: str) -> list[str]:
    """Return "link:", "domain:", "site:" (domain plus first path) and "tld:" tokens for links.

    A link to YouTube gives "link:youtube" (plus "link:youtube-video" for a video or a share
    link) instead of "link:", so only links elsewhere share the generic spam signal.
    """
    tokens: list[str] = []
    for link in _links(text):
        domain, path = link.domain, link.path
        tokens += [*_link_kinds(domain, path), f"domain:{domain}", f"tld:{link.tld}"]
        if path and len(path) > 1:
            tokens.append(f"site:{domain}{path}")
        if link.query:
            tokens += [f"param:{key}" for key in _PARAM.findall(link.query)]
    return tokens


def link_words(text: str) -> list[tuple[str, str]]:
    """Each word written inside a link ("bonuscasino", "promo"), with the link's domain."""
    words: list[tuple[str, str]] = []
    for link in _links(text):
        # Words are read from `char_view`, which shortens repeats ("www" to "ww").
        found = (word.strip("@$_") for word in _WORD.findall(collapse_repeats(link.text)))
        words += [(word, link.domain) for word in found if word]
    return words


class _Link(NamedTuple):
    text: str
    domain: str  # without "www."
    tld: str
    path: str | None
    query: str | None


# Scoring reads a text's links twice, for its tokens and then to explain its score, and the
# pattern is the costliest of the analyzers: the links of the last texts (a batch's worth)
# are kept. Only short texts, so that the cache holds a megabyte or so whatever comes in.
_CACHED_LINKS = 1024
_CACHED_LENGTH = 1000


def _links(text: str) -> tuple[_Link, ...]:
    return _cached_links(text) if len(text) <= _CACHED_LENGTH else _find_links(text)


def _find_links(text: str) -> tuple[_Link, ...]:
    text = _deobfuscate_dots(text)
    if "." not in text:
        return ()
    links = []
    for match in _DOMAIN.finditer(text):
        scheme, domain, tld, path, query = match.groups()
        if _is_link(scheme, domain, tld, path):
            links.append(_Link(match.group(0), _WWW.sub("", domain), tld, path, query))
    return tuple(links)


_cached_links = functools.lru_cache(maxsize=_CACHED_LINKS)(_find_links)


def _link_kinds(domain: str, path: str | None) -> list[str]:
    # "link:" marks any link at all, so a never-seen domain still counts for something.
    if domain not in _YOUTUBE:
        return ["link:"]
    if domain == "youtu.be" or (path or "").startswith("/watch"):
        return ["link:youtube", "link:youtube-video"]
    return ["link:youtube"]


def text_stats(text: str) -> list[float]:
    """Return raw counts in the order of STAT_NAMES (shouting as a share of letters)."""
    letters, upper, digits = _letters_upper_digits(text)
    return [
        upper / letters if letters >= 4 else 0.0,
        float(_letter_repeats(text)),
        float(digits),
        float(len(_PHONE.findall(text))) if digits >= 2 else 0.0,  # the pattern needs two
        0.0 if text.isascii() else float(len(_EMOJI.findall(text))),
        float(len(_EXCLAIM_RUN.findall(text))) if "!!" in text else 0.0,
        float(len(text)),
    ]


def _letter_repeats(text: str) -> int:
    # In ASCII text case-insensitive equality is ASCII lower-casing, so a run of three equal
    # letters needs three equal characters in text.lower(): that cheaper scan rules out most
    # texts before the case-insensitive pattern with its look-ahead runs.
    if text.isascii() and not _REPEATS.search(text.lower()):
        return 0
    return len(_LETTER_REPEATS.findall(text))


def _ascii_count(text: str, characters: bytes) -> int:
    """How many characters of ASCII `text` are among `characters` (bytes.translate, in C)."""
    raw = text.encode("ascii")
    return len(raw) - len(raw.translate(None, characters))


def _letters_upper_digits(text: str) -> tuple[int, int, int]:
    # A hot path when scoring batches. For ASCII text (most comments) bytes.translate deletes
    # each class in C, and for ASCII str.isalpha/isupper/isdigit mean exactly these sets;
    # otherwise map() over the str methods still runs the loop in C.
    if text.isascii():
        return (
            _ascii_count(text, _ASCII_LETTERS),
            _ascii_count(text, _ASCII_UPPER),
            _ascii_count(text, _ASCII_DIGITS),
        )
    return sum(map(str.isalpha, text)), sum(map(str.isupper, text)), sum(map(str.isdigit, text))
