"""A real local HTTP server that receives webhooks: records each request, answers as told."""

import ssl
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme


@dataclass(frozen=True)
class Received:
    """One request as it arrived."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    """What the receiver answers one request with."""

    status: int = 200
    delay: float = 0.0  # seconds to wait before answering
    headers: tuple[tuple[str, str], ...] = ()


class Receiver:
    """Answers with the queued answers in turn, then with `default`; thread-safe."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.answers: list[Answer] = []
        self.default = Answer()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.port = 0
        self.scheme, self.host = "http", "127.0.0.1"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}/hooks"

    def answer_next(self, *answers: Answer) -> None:
        with self.lock:
            self.answers.extend(answers)

    def next_answer(self) -> Answer:
        with self.lock:
            return self.answers.pop(0) if self.answers else self.default

    def record(self, request: Received) -> None:
        with self.lock:
            self.requests.append(request)

    def bodies(self) -> list[bytes]:
        with self.lock:
            return [request.body for request in self.requests]


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.in_flight += 1
                receiver.max_in_flight = max(receiver.max_in_flight, receiver.in_flight)
            receiver.record(Received(self.path, dict(self.headers.items()), body))
            answer = receiver.next_answer()
            time.sleep(answer.delay)
            with receiver.lock:
                receiver.in_flight -= 1
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read what was received."""

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A client that gave up (a timeout test) is expected: no traceback for it."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def running_receiver(certificate: trustme.LeafCert | None = None) -> Iterator[Receiver]:
    """A receiver on a free loopback port, in a thread, for the duration of the block; with
    a `certificate`, over TLS as https://localhost:PORT."""
    receiver = Receiver()
    server = QuietServer(("127.0.0.1", 0), handler_for(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    if certificate is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate.configure_cert(context)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        receiver.scheme, receiver.host = "https", "localhost"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
