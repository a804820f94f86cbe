"""Requests a WSGI server or the app must refuse, and the answer each must get."""

import json
from dataclasses import dataclass

from tests.support.factories import comment_payload
from tests.support.raw_http import chunked

LIMIT = 64 * 1024  # MAX_CONTENT_LENGTH


@dataclass
class BadRequest:
    """Raw request bytes and the status and error code expected for them."""

    request: bytes
    status: int
    code: str


def get(target: str, *headers: str) -> bytes:
    """A GET with extra header lines."""
    lines = [f"GET {target} HTTP/1.1", "Host: localhost", *headers, "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def oversized_json() -> bytes:
    """81.5 KB whose first 64 KiB alone are a valid comment (JSON allows trailing spaces)."""
    document = json.dumps(comment_payload()).encode().ljust(LIMIT)
    return document + b"x" * (81_500 - LIMIT)


def chunked_post(path: str, body: bytes, site_key: str) -> bytes:
    """A POST whose body is chunked, with no Content-Length."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {site_key}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + chunked(body)


def malformed_request_line() -> BadRequest:
    """Not an HTTP request line at all."""
    return BadRequest(b"garbage\r\n\r\n", 400, "bad_request")


def long_url() -> BadRequest:
    """A 10,000-character URL."""
    return BadRequest(get("/api/v1/comments?q=" + "a" * 10_000), 414, "uri_too_long")


def many_headers() -> BadRequest:
    """200 header fields."""
    headers = [f"X-Filler-{n}: {n}" for n in range(200)]
    return BadRequest(get("/healthz", *headers), 431, "header_fields_too_large")


def large_header() -> BadRequest:
    """One 20 KB header field."""
    return BadRequest(get("/healthz", "X-Large: " + "a" * 20_000), 431, "header_fields_too_large")


def unknown_expectation() -> BadRequest:
    """An Expect other than 100-continue."""
    return BadRequest(get("/healthz", "Expect: something-else"), 417, "expectation_failed")


def oversized_chunked_body(site_key: str) -> BadRequest:
    """81.5 KB chunked, valid JSON in its first 64 KiB."""
    request = chunked_post("/api/v1/comments", oversized_json(), site_key)
    return BadRequest(request, 413, "payload_too_large")
