"""Raw HTTP over a socket, for requests no well-behaved client library would send."""

import json
import socket
from dataclasses import dataclass
from typing import Any


@dataclass
class RawAnswer:
    """A parsed HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


def assert_json_error(answer: RawAnswer, status: int, code: str) -> None:
    """The answer has `status` and is the API's JSON error shape with `code`."""
    assert answer.status == status, answer
    assert answer.headers["content-type"] == "application/json", answer
    error = answer.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert error["message"]


def exchange(port: int, request: bytes, timeout: float = 10) -> RawAnswer:
    """Send `request` as is to 127.0.0.1:port and read one answer, as a client would: up to
    its Content-Length, or until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        received = bytearray()
        while (chunk := sock.recv(65536)) and not complete(bytes(received := received + chunk)):
            pass
    return parse_answer(bytes(received))


def complete(raw: bytes) -> bool:
    """Whether `raw` holds a whole answer with a Content-Length."""
    if b"\r\n\r\n" not in raw:
        return False
    answer = parse_answer(raw)
    length = answer.headers.get("content-length")
    return length is not None and len(answer.body) >= int(length)


def parse_answer(raw: bytes) -> RawAnswer:
    """Status line, headers (names lower-cased) and body of one answer (skipping a 100)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    while head.startswith(b"HTTP/1.1 100"):
        head, _, body = body.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawAnswer(int(status_line.split()[1]), headers, body)


def chunked(body: bytes, size: int = 8192) -> bytes:
    """`body` in Transfer-Encoding: chunked framing."""
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    framed = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    return framed + b"0\r\n\r\n"
