"""The JSON error shape as bytes, for answers written below Flask (WSGI servers, middleware)."""

import json
from http import HTTPStatus

from service.api.errors import http_error_document


def error_body(status: int) -> bytes:
    """The body of an error answer for `status`, as Flask's jsonify would write it."""
    document = http_error_document(status)
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode() + b"\n"


def status_line(status: int) -> str:
    """`413 Content Too Large`: the WSGI status string."""
    return f"{status} {HTTPStatus(status).phrase}"
