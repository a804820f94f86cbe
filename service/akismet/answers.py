"""Answers in the protocol's shape: plain text (JSON for the reports), with its headers.

The clients read the body only (WordPress ignores the status), so every answer is a 200 and
says what happened in its body and headers.
"""

from typing import Any

from flask import Response, jsonify

THANKS = "Thanks for making the web a better place."
HELD = "held for review"  # neither "true" nor "false": WordPress holds the comment, rechecks
HELD_ERROR = (
    "Held for a moderator's review in Moderato; ask again later (recheck_reason) for the decision"
)


def text(body: str, **headers: str) -> Response:
    """A text/plain answer; header names are given with underscores."""
    response = Response(body, mimetype="text/plain")
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def invalid(why: str) -> Response:
    """`invalid`, with the reason in X-akismet-debug-help."""
    return text("invalid", X_akismet_debug_help=why)


def check_answer(verdict: str, guid: str | None, discard: bool) -> Response:
    """comment-check's answer: `true` (spam), `false` (ham), or held for a human."""
    headers = {"X_akismet_guid": guid} if guid else {}
    if verdict == "spam":
        if discard:
            headers["X_akismet_pro_tip"] = "discard"
        return text("true", **headers)
    if verdict == "ham":
        return text("false", **headers)
    # Both headers: WordPress holds on X-akismet-error; other clients show the debug help
    # (the PyPI client puts it in the ProtocolError it raises).
    return text(HELD, X_akismet_error=HELD_ERROR, X_akismet_debug_help=HELD_ERROR, **headers)


def json_answer(document: Any) -> Response:
    """A JSON report."""
    return jsonify(document)
