"""Analyzers that turn normalised text into tokens and counts that survive spammers' tricks."""

import logging
import re

logger = logging.getLogger(__name__)

# soooo -> soo: keeps "this is soo good" apart from "so" but maps every longer stretch together.
_REPEATS = re.compile(r"(.)\1{2,}")
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

# Generic intents, written once by hand (not learnt): asking for subscriptions, visits, clicks or
# money is spam whatever the video; talking about the song itself is ham. Each kind of phrase
# found adds one shared "intent:spam" or "intent:ham" token, so a spam request phrased with words
# never seen in training still shares the weight learnt from all the others. Only the spam list
# is worth much on its own (bench/README.md); English only, like the YouTube training corpus.
# Matched on the word list (sets, not regular expressions: these run on every comment scored).
_SPAM_WORDS = frozenset({"free", "win", "click", "visit", "money", "earn", "join", "support"})
# First word -> prefixes of the next word: "check out", "my channel(s)", "please subscribe".
_SPAM_PAIRS = {
    "check": ("out", "it", "my"),
    "my": ("channel", "video", "page", "music", "song"),
    "please": ("check", "sub", "share", "like", "watch", "help"),
    "follow": ("me",),
    "go": ("to",),
}
_PRAISE = frozenset({"love", "like", "best", "great", "awesome", "amazing", "beautiful", "nice"})
_PRAISE |= {"cool"}
_SONG = frozenset({"song", "video", "music", "beat", "lyrics"})
_HAM_PAIRS = {
    **dict.fromkeys(("song", "video", "music"), frozenset({"is", "was"})),
    "who": frozenset({"is", "else", "still"}),
}
_DIGITS = re.compile(r"\d+")

# For the statistic only letters count, and "www" is not enthusiasm.
_LETTER_REPEATS = re.compile(r"(?!www)([^\W\d_])\1{2,}", re.IGNORECASE)
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")
_EXCLAIM_RUN = re.compile(r"!{2,}")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff]")
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
    return _DIGITS.sub("0", collapse_repeats(_DOMAIN.sub(_link_placeholder, text.lower())))


def _link_placeholder(match: re.Match[str]) -> str:
    scheme, domain, tld, path, _ = match.groups()
    if not _is_link(scheme, domain, tld, path):
        return match.group(0)
    return " yturl " if _WWW.sub("", domain) in _YOUTUBE else " url "


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
    words = [w.strip("@$_") for w in _WORD.findall(char_view(text))]
    words = [w for w in words if w]
    tokens = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    tokens += [clean for clean in map(deleet, words) if clean not in words]
    # Link tokens share this vocabulary (a colon never occurs in a word, so names stay apart);
    # a vectorizer of their own would fail to fit on a corpus without any links.
    return tokens + link_tokens(text) + intent_tokens(words)


def intent_tokens(words: list[str]) -> list[str]:
    """Return "intent:spam" per kind of spam request and "intent:ham" per kind of ham phrase."""
    present = set(words)
    pairs = list(zip(words, words[1:], strict=False))
    spam = len(_SPAM_WORDS & present) + any(w.startswith("subscri") for w in words)
    spam += len({a for a, b in pairs if a in _SPAM_PAIRS and b.startswith(_SPAM_PAIRS[a])})
    praise = any(a in _PRAISE and b in _SONG for a, b in pairs) or any(
        a in _PRAISE and b in ("this", "the") and c in _SONG
        for a, b, c in zip(words, words[1:], words[2:], strict=False)
    )
    ham = praise + len({a for a, b in pairs if a in _HAM_PAIRS and b in _HAM_PAIRS[a]})
    ham += "lol" in present or any(w.startswith("haha") for w in words)
    return ["intent:spam"] * spam + ["intent:ham"] * ham


def _deobfuscate_dots(text: str) -> str:
    """Rewrite "foo dot com", "foo[.]com" and "foo. com" as "foo.com"."""
    return _SPACED_DOT.sub(".", _DOT_WORD.sub(".", text.lower()))


def link_tokens(text: str) -> list[str]:
    """Return "link:", "domain:", "site:" (domain plus first path) and "tld:" tokens for links.

    A link to YouTube gives "link:youtube" (plus "link:youtube-video" for a video or a share
    link) instead of "link:", so only links elsewhere share the generic spam signal.
    """
    tokens = []
    for match in _DOMAIN.finditer(_deobfuscate_dots(text)):
        scheme, domain, tld, path, query = match.groups()
        if not _is_link(scheme, domain, tld, path):
            continue
        domain = _WWW.sub("", domain)
        tokens += [*_link_kinds(domain, path), f"domain:{domain}", f"tld:{tld}"]
        if path and len(path) > 1:
            tokens.append(f"site:{domain}{path}")
        if query:
            tokens += [f"param:{key}" for key in _PARAM.findall(query)]
    return tokens


def _link_kinds(domain: str, path: str | None) -> list[str]:
    # "link:" marks any link at all, so a never-seen domain still counts for something.
    if domain not in _YOUTUBE:
        return ["link:"]
    if domain == "youtu.be" or (path or "").startswith("/watch"):
        return ["link:youtube", "link:youtube-video"]
    return ["link:youtube"]


def text_stats(text: str) -> list[float]:
    """Return raw counts in the order of STAT_NAMES (shouting as a share of letters)."""
    # map() over str methods runs the loop in C; this is a hot path when scoring batches.
    letters = sum(map(str.isalpha, text))
    return [
        sum(map(str.isupper, text)) / letters if letters >= 4 else 0.0,
        float(len(_LETTER_REPEATS.findall(text))),
        float(sum(map(str.isdigit, text))),
        float(len(_PHONE.findall(text))),
        float(len(_EMOJI.findall(text))),
        float(len(_EXCLAIM_RUN.findall(text))),
        float(len(text)),
    ]
