"""Reading request headers that change what a request does: Idempotency-Key."""

import re

from flask import request

from service.errors import InvalidInput

IDEMPOTENCY_KEY = "Idempotency-Key"
# A client-chosen token: 1-255 printable ASCII characters (space to tilde). WSGI servers hand
# headers over as Latin-1, so any other byte shows up here as a character outside that range.
IDEMPOTENCY_KEY_PATTERN = re.compile(r"[\x20-\x7e]{1,255}")


def idempotency_key() -> str | None:
    """The request's Idempotency-Key; None when absent, a 422 naming the header when bad."""
    key = request.headers.get(IDEMPOTENCY_KEY)
    if key is None:
        return None
    if not IDEMPOTENCY_KEY_PATTERN.fullmatch(key):
        raise InvalidInput(fields={IDEMPOTENCY_KEY: "Must be 1 to 255 printable ASCII characters."})
    return key
