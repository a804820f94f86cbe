"""WSGI middleware refusing long URLs, unknown expectations and oversized bodies, in JSON."""

import io
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from service.api.errors import HTTP_CODES
from service.metrics import definitions as metrics
from service.serving.answers import error_body, status_line

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger(__name__)

# Submissions refused here never reach Flask; they are counted like those refused there.
SUBMIT_PATH = "/api/v1/comments"


class RequestLimits:
    """Checks each request's URL, Expect header and body size before the app sees it."""

    def __init__(
        self,
        app: "WSGIApplication",
        *,
        max_body: int | None,
        max_url: int | None,
        max_body_by_path: Mapping[str, int] | None = None,
    ) -> None:
        self.app, self.max_body, self.max_url = app, max_body, max_url
        # Paths (by prefix) with a body limit of their own: the Akismet routes take what
        # WordPress sends, far more than the JSON API's 64 KiB.
        self.max_body_by_path = dict(max_body_by_path or {})

    def __call__(
        self, environ: "WSGIEnvironment", start_response: "StartResponse"
    ) -> Iterable[bytes]:
        status = self.refusal(environ)
        if status is not None:
            count_refused_submission(environ, status)
            body = error_body(status)
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            start_response(status_line(status), headers)
            return [body]
        return self.app(environ, start_response)

    def refusal(self, environ: "WSGIEnvironment") -> int | None:
        """The error status for this request, or None to pass it on."""
        if self.max_url is not None and url_length(environ) > self.max_url:
            return 414
        expect = environ.get("HTTP_EXPECT", "").strip(" \t").lower()
        # gunicorn refuses other expectations itself; Werkzeug's server passes them through.
        if expect and expect != "100-continue":
            return 417
        max_body = self.body_limit(environ.get("PATH_INFO", ""))
        if max_body is None:
            return None
        return body_refusal(environ, max_body)

    def body_limit(self, path: str) -> int | None:
        """The body limit of a path: its prefix's own, else the general one."""
        for prefix, limit in self.max_body_by_path.items():
            if path.startswith(prefix):
                return limit
        return self.max_body


def count_refused_submission(environ: "WSGIEnvironment", status: int) -> None:
    """A comment submission refused before the app: no site is known yet."""
    if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == SUBMIT_PATH:
        reason = HTTP_CODES.get(status, "http_error")
        metrics.COMMENTS_REFUSED.labels(site="", reason=reason).inc()


def url_length(environ: "WSGIEnvironment") -> int:
    """Length of the request target as sent; both gunicorn and Werkzeug set RAW_URI."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    return len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) + 1


def body_refusal(environ: "WSGIEnvironment", max_body: int) -> int | None:
    """413 for a body over `max_body`, declared or not; 400 for a broken chunked body."""
    # A body without Content-Length (chunked) is read here, at most max_body + 1 bytes, and
    # handed on with its length. Werkzeug's own check cannot catch it: for such a stream it
    # wraps the input in LimitedStream(max_content_length, is_max=True), whose readall() stops
    # once it has read exactly max_content_length bytes and returns them without looking for
    # more (werkzeug/wsgi.py, 3.1), so an oversized chunked body was silently cut to 64 KiB,
    # and a JSON document that fit in those 64 KiB was accepted.
    declared = environ.get("CONTENT_LENGTH")
    if declared:
        # Werkzeug answers a malformed Content-Length itself; only refuse a valid big one.
        return 413 if declared.isdigit() and int(declared) > max_body else None
    if "wsgi.input_terminated" not in environ:
        return None  # no length and no framing: Werkzeug reads no body at all
    try:
        body = read_at_most(environ["wsgi.input"], max_body + 1)
    except (OSError, ValueError):  # Werkzeug's broken chunks (gunicorn answers its own 400)
        logger.info("Refused a request whose chunked body could not be read", exc_info=True)
        return 400
    if len(body) > max_body:
        return 413
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return None


def read_at_most(stream: io.RawIOBase, limit: int) -> bytes:
    """Up to `limit` bytes of `stream`; `read(n)` may return fewer than asked before the end."""
    received = bytearray()
    while len(received) < limit:
        chunk = stream.read(limit - len(received))
        if not chunk:
            break
        received += chunk
    return bytes(received)
