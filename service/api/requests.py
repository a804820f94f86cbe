"""Reading requests: JSON bodies with the contract's status codes, query strings, If-Match."""

import json
from typing import Any

from flask import request

from service.api.errors import MalformedJson, NotJson
from service.api.responses_types import CommentLike


def json_body(*, required: bool = True) -> Any:
    """The parsed JSON body: 413 if too large, 415 if not JSON, 400 if malformed.

    An empty body is `{}` where every field is optional (approve).
    """
    raw = request.get_data(cache=True)  # Werkzeug raises 413 past MAX_CONTENT_LENGTH
    if not raw and not required:
        return {}
    if not request.is_json:
        raise NotJson()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedJson() from error


def query_args() -> dict[str, str]:
    """The query string as a plain dict (first value of each name)."""
    return request.args.to_dict(flat=True)


def etag_for(comment: CommentLike) -> str:
    """The entity tag of a comment's current version."""
    return f"{comment.id}-{comment.version}"


def expected_version(comment_id: int) -> int | None:
    """The version named by If-Match; None when absent or `*`; -1 when it names no version of
    this comment, which then never matches (412)."""
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return None
    for tag in if_match.as_set():
        tag_id, _, version = tag.partition("-")
        if tag_id == str(comment_id) and version.isdigit():
            return int(version)
    return -1
