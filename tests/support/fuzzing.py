"""Hypothesis strategies for requests to any route of the URL map: bad JSON, odd types, unicode
edge cases, tampered cursors, odd query strings and headers, mixed with valid ones so that
the requests also reach the service layer and the database."""

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st
from werkzeug.routing import Rule

from tests.support.factories import comment_payload

# `<converter(arguments):name>` or `<name>` in a Werkzeug rule.
RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
EDGE_INTEGERS = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30]
# Lone surrogates, NUL and other C0 controls, right-to-left text and overrides, emoji with
# modifiers and joiners, zero-width and byte-order marks, combining marks, non-ASCII digits.
UNICODE_EDGES = [
    "\ud800", "\udfff", "\ud83d", "\x00", "\x01", "\x1b", "\x7f", "\u0085", "\u2028",
    "\u202e", "שלום", "مرحبا", "🚲", "👍🏽", "👩‍👩‍👧", "\ufeff", "\u200b", "e\u0301", "²", "١٢",
    "\ufffd", "\U0010ffff", " ", "\t\r\n",
]  # fmt: skip
# Percent escapes no text can produce: NUL, invalid UTF-8, a UTF-8-encoded surrogate.
RAW_ESCAPES = ["%00", "%FF", "%C0%80", "%ED%A0%80", "%2F", "%25", "..", "%2e%2e"]
FIELDS = [
    "article_id", "article_url", "article_title", "author_name", "author_email", "author_url",
    "body", "parent_id", "author_ip", "user_agent", "referrer", "language", "note", "reason",
    "url", "events", "secret",
]  # fmt: skip
QUERY_NAMES = ["limit", "cursor", "status", "order", "article_id", "site"]
QUERY_WORDS = ["1", "0", "-1", "100", "101", "1e400", "NaN", "١٠", "pending", "queued",
               "approved", "rejected", "score", "newest", "oldest", "delivered", "failed",
               ""]  # fmt: skip
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data", "application/json;;",
                 "application/merge-patch+json", ""]  # fmt: skip


@dataclass(frozen=True)
class Known:
    """What the fuzzer may use as valid: keys and an existing comment."""

    site_key: str
    moderator_token: str
    comment_id: int


@dataclass
class FuzzRequest:
    """One request to send with the Flask test client."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Draw from one of the strategies, chosen in proportion to its weight.

    `st.one_of` gives each branch a similar share whatever is repeated in it; a valid key or
    body must come often enough for requests to get past authentication and parsing.
    """
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def fuzzable_routes(rules: list[Rule]) -> list[tuple[Rule, str]]:
    """Every route of the URL map with each of its methods (not HEAD and OPTIONS, which
    Werkzeug answers itself)."""
    return [
        (rule, method)
        for rule in rules
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]


def odd_text(*, surrogates: bool = True) -> st.SearchStrategy[str]:
    """Text with unicode edge cases spliced in, now and then very long; lone surrogates only
    if `surrogates` (a URL or header cannot carry them: those get raw escapes instead)."""
    edges = [edge for edge in UNICODE_EDGES if surrogates or not 0xD800 <= ord(edge[0]) <= 0xDFFF]
    alphabet = st.characters() if surrogates else st.characters(blacklist_categories=("Cs",))
    spliced = st.builds(
        lambda before, edge, after: before + edge + after,
        st.text(alphabet, max_size=12),
        st.sampled_from(edges),
        st.text(alphabet, max_size=12),
    )
    long = st.builds(
        lambda edge, n: edge * n, st.sampled_from(edges + ["x"]), st.integers(1, 12_000)
    )
    return st.one_of(st.text(alphabet, max_size=30), spliced, long)


def json_scalars() -> st.SearchStrategy[Any]:
    """Scalars of every JSON type, with edge integers and non-finite floats."""
    return st.one_of(
        st.none(), st.booleans(), st.integers(), st.sampled_from(EDGE_INTEGERS),
        st.floats(), odd_text(),
    )  # fmt: skip


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value (and NaN and Infinity, which json.dumps writes)."""
    return st.recursive(
        json_scalars(),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(odd_text(), children, max_size=4)
        ),
        max_leaves=8,
    )


def documents() -> st.SearchStrategy[Any]:
    """Valid bodies with a few fields made odd, or missing, or odd documents altogether."""
    webhook = {"url": "https://hooks.example.com/m", "events": ["comment.decided"]}
    bases = st.sampled_from(
        [comment_payload(), {"reason": "spam", "note": "x"}, {"note": "x"}, webhook, {}]
    )
    overrides = st.dictionaries(st.sampled_from(FIELDS) | odd_text(), json_values(), max_size=3)
    edited = st.builds(
        lambda base, changes, dropped: {
            k: v for k, v in {**base, **changes}.items() if k != dropped
        },
        bases,
        overrides,
        st.sampled_from([None, *FIELDS]),
    )
    return weighted((3, bases), (5, edited), (2, json_values()))


def nested_text(depth: int) -> str:
    """Arrays nested `depth` deep (past Python's recursion limit from about 1,000)."""
    return "[" * depth + "]" * depth


def bodies() -> st.SearchStrategy[bytes | None]:
    """Raw bodies: JSON documents (ASCII-escaped or not), malformed JSON, deep nesting, bytes."""
    encoded = st.builds(
        lambda document, ascii_only: json.dumps(document, ensure_ascii=ascii_only).encode(
            "utf-8",
            "surrogatepass",  # a lone surrogate becomes invalid UTF-8, as it would on the wire
        ),
        documents(),
        st.booleans(),
    )
    truncated = st.builds(lambda raw, cut: raw[:cut], encoded, st.integers(0, 200))
    deep = st.builds(
        lambda depth, inside: nested_text(depth)[:depth] + inside + nested_text(depth)[depth:],
        st.sampled_from([31, 32, 33, 100, 1_000, 5_000, 30_000]),
        st.sampled_from(["", "1", '{"a": 1}']),
    ).map(str.encode)
    constants = st.sampled_from([b"NaN", b"Infinity", b'{"parent_id": -Infinity}', b"1e400"])
    return weighted(
        (1, st.none()), (12, encoded), (1, truncated), (1, deep), (1, constants), (1, st.binary())
    )


def cursors() -> st.SearchStrategy[str]:
    """Cursors as `encode_cursor` makes them, around forged keys, and garbage."""
    keys = st.lists(json_scalars() | st.lists(st.integers(), max_size=2), max_size=3)
    payloads = st.builds(
        lambda order, key: json.dumps({"o": order, "k": key}).encode("utf-8", "surrogatepass"),
        st.sampled_from(["oldest", "newest", "score", "other"]),
        keys,
    )
    raw = st.sampled_from(
        [b'{"o":"oldest","k":[1e400]}', b'{"o":"score","k":[NaN,1]}', b'{"o":"oldest"}', b"[]",
         b'{"o":"oldest","k":' + nested_text(3_000).encode() + b"}"]
    )  # fmt: skip
    packed = st.one_of(payloads, raw, st.binary(max_size=40)).map(
        lambda data: base64.urlsafe_b64encode(data).decode().rstrip("=")
    )
    return weighted((2, packed), (1, odd_text(surrogates=False)))


def query_strings() -> st.SearchStrategy[dict[str, str]]:
    """Query parameters the API knows and others, with odd values and tampered cursors."""
    names = st.sampled_from(QUERY_NAMES) | odd_text(surrogates=False)
    values = st.one_of(st.sampled_from(QUERY_WORDS), odd_text(surrogates=False), cursors())
    return st.dictionaries(names, values, max_size=4)


def header_text() -> st.SearchStrategy[str]:
    """Header values a client can send: Latin-1 without line breaks."""
    return st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40)


def headers(known: Known) -> st.SearchStrategy[dict[str, str]]:
    """Authorization as a site, as a moderator, or broken; If-Match; Content-Type."""
    valid = st.sampled_from([f"Bearer {known.site_key}", f"Bearer {known.moderator_token}"])
    broken = st.one_of(
        st.sampled_from(
            [
                f"bearer  {known.site_key} ",
                f"Basic {known.site_key}",
                "Bearer",
                "Bearer sk_",
                "Bearer mk_x",
                "",
            ]
        ),  # fmt: skip
        header_text(),
        header_text().map(lambda key: f"Bearer {key}"),
    )
    # Mostly a valid key (of either kind), so that most requests get past authentication.
    authorization = weighted((8, valid), (2, broken))
    comment = known.comment_id
    if_match = st.one_of(
        st.sampled_from(['""', f'"{comment}-²"', f'"{comment}-١"', "*", f'W/"{comment}-1"',
                         f'"{comment}-1", "x"', f'"{comment}-{"9" * 5000}"', f'"{comment}-"']),
        st.integers().map(lambda version: f'"{comment}-{version}"'),
        header_text(),
    )  # fmt: skip
    content_type = weighted(
        (8, st.just("application/json")), (1, st.sampled_from(CONTENT_TYPES)), (1, header_text())
    )
    return st.fixed_dictionaries(
        {"Authorization": authorization, "Content-Type": content_type},
        optional={"If-Match": if_match},
    )


def path_values(converter: str, known: Known) -> st.SearchStrategy[str]:
    """Values for one argument of a rule, percent-encoded: valid ones and odd ones."""
    safe = "/" if converter == "path" else ""
    existing = st.just(str(known.comment_id))
    ids = st.one_of(st.sampled_from(EDGE_INTEGERS), st.integers()).map(str)
    text = odd_text(surrogates=False).map(lambda value: quote(value, safe=safe))
    raw = st.builds(
        lambda before, escape: quote(before, safe=safe) + escape,
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=5),
        st.sampled_from(RAW_ESCAPES),
    )
    words = st.sampled_from(["article-1", "a/b/c", "2026/11/x"])
    return weighted((6, existing), (1, ids), (1, words), (1, text), (1, raw))


def paths(rule: Rule, known: Known) -> st.SearchStrategy[str]:
    """The rule's path with each argument drawn from `path_values` for its converter."""
    parts = RULE_ARGUMENT.split(rule.rule)  # literal, converter, name, literal, ...
    literals, converters = parts[::3], parts[1::3]
    values = [path_values(converter or "default", known) for converter in converters]

    def join(drawn: list[str]) -> str:
        pieces = [literals[0]]
        for value, literal in zip(drawn, literals[1:], strict=True):
            pieces += [value, literal]
        return "".join(pieces)

    return st.tuples(*values).map(lambda drawn: join(list(drawn)))


def requests_for(rule: Rule, method: str, known: Known) -> st.SearchStrategy[FuzzRequest]:
    """Requests to one route: its path with odd arguments, a query, headers and a body."""
    return st.builds(
        FuzzRequest,
        method=st.just(method),
        path=paths(rule, known),
        query=query_strings(),
        headers=headers(known),
        body=bodies() if method in {"POST", "PUT", "PATCH"} else st.none(),
    )
