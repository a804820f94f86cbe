"""Reading requests: JSON bodies with the contract's status codes, query strings, If-Match."""

import json
import re
from typing import Any

from flask import request

from service.api.errors import MalformedJson, NotJson
from service.api.responses_types import CommentLike

# No request of this API nests deeper than 2; past this a body is refused as malformed.
MAX_JSON_DEPTH = 32
VERSION = re.compile("[0-9]{1,10}")  # ASCII digits: str.isdigit() also takes "²" and "١"


def json_body(*, required: bool = True) -> Any:
    """The parsed JSON body: 413 if too large, 415 if not JSON, 400 if malformed or nested
    deeper than MAX_JSON_DEPTH (or using NaN and Infinity, which are not JSON).

    An empty body is `{}` where every field is optional (approve).
    """
    raw = request.get_data(cache=True)  # Werkzeug raises 413 past MAX_CONTENT_LENGTH
    if not raw and not required:
        return {}
    if not request.is_json:
        raise NotJson()
    try:
        document = json.loads(raw, parse_constant=refuse_constant)
    except (ValueError, RecursionError) as error:  # the decoder recurses per nesting level
        raise MalformedJson() from error
    if nesting_depth(document) > MAX_JSON_DEPTH:
        raise MalformedJson()
    return document


def refuse_constant(name: str) -> Any:
    """Refuse `NaN`, `Infinity` and `-Infinity`, which Python's json accepts but JSON lacks."""
    raise ValueError(name)


def nesting_depth(document: Any) -> int:
    """How many arrays and objects nest in a decoded document (0 for a scalar).

    A loop, not recursion, so that checking a deep document cannot itself overflow.
    """
    deepest, pending = 0, [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            pending.extend((item, depth + 1) for item in value)
    return deepest


def query_args() -> dict[str, str]:
    """The query string as a plain dict (first value of each name)."""
    return request.args.to_dict(flat=True)


def etag_for(comment: CommentLike) -> str:
    """The entity tag of a comment's current version."""
    return f"{comment.id}-{comment.version}"


def expected_version(comment_id: int) -> int | None:
    """The version named by If-Match; None when absent or `*`; -1 when it names no version of
    this comment (another comment's tag, `""`, `"7-²"`), which then never matches (412)."""
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return None
    for tag in if_match.as_set():
        tag_id, _, version = (tag or "").partition("-")  # Werkzeug reads `""` as None
        if tag_id == str(comment_id) and VERSION.fullmatch(version):
            return int(version)
    return -1
