"""Our must-use plugin (service/akismet/wordpress/moderato-akismet.php) in a real WordPress:
the Akismet plugin's own calls to rest.akismet.com reach the configured URL instead, unchanged
but for the host, and nothing else is touched. A local HTTP server stands for Moderato."""

import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.wordpress.site import WordPress, installed_wordpress


@dataclass
class Received:
    """One request the stand-in server got."""

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class StandIn:
    """A local HTTP server that records requests and answers `valid` with a header."""

    url: str
    received: list[Received] = field(default_factory=list)


@pytest.fixture(scope="module")
def stand_in() -> Iterator[StandIn]:
    recorder = StandIn("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            recorder.received.append(Received("POST", self.path, dict(self.headers), form))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("X-akismet-debug-help", "stand-in")
            self.end_headers()
            self.wfile.write(b"valid")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/akismet"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    """A WordPress without the MODERATO_AKISMET_URL constant: the option configures it."""
    with installed_wordpress(None, tmp_path_factory.mktemp("wordpress")) as site:
        yield site


def test_with_no_url_configured_nothing_leaves_for_akismet(
    wordpress: WordPress, stand_in: StandIn
) -> None:
    wordpress.php("set-option", "moderato_akismet_url", "")

    answer = wordpress.php("akismet-post", "verify-key", "key=0123456789ab&blog=x")

    assert answer == {"headers": "", "body": ""}  # what Akismet::http_post gives on an error
    assert "MODERATO_AKISMET_URL" in wordpress.debug_log()
    assert stand_in.received == []


def test_akismets_calls_go_to_the_configured_url_with_its_host(
    wordpress: WordPress, stand_in: StandIn
) -> None:
    wordpress.php("set-option", "moderato_akismet_url", stand_in.url + "/")

    answer = wordpress.php("akismet-post", "comment-check", "comment_content=Ciao%20a%20tutti")

    assert answer["body"] == "valid"
    assert answer["headers"]["x-akismet-debug-help"] == "stand-in"
    request = stand_in.received[-1]
    assert (request.method, request.path) == ("POST", "/akismet/1.1/comment-check")
    assert request.headers["Host"] == urllib.parse.urlsplit(stand_in.url).netloc
    assert request.headers["User-Agent"].startswith("WordPress/6.1")
    assert "| Akismet/5.0.2" in request.headers["User-Agent"]
    assert request.form["comment_content"] == ["Ciao a tutti"]


def test_other_requests_are_left_to_wordpress(wordpress: WordPress, stand_in: StandIn) -> None:
    wordpress.php("set-option", "moderato_akismet_url", stand_in.url)
    before = len(stand_in.received)

    answer = wordpress.php("remote-get", "https://api.wordpress.org/core/version-check/1.7/")

    # The harness blocks external requests: WordPress's own refusal, not our plugin's answer.
    assert answer == {"error": "http_request_not_executed"}
    assert len(stand_in.received) == before
