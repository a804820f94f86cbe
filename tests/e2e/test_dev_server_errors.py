"""Werkzeug's development server, as `moderato serve` runs it, answers errors in JSON."""

from collections.abc import Iterator

import pytest

from tests.support import bad_requests
from tests.support.bad_requests import BadRequest
from tests.support.processes import free_port
from tests.support.raw_http import assert_json_error, exchange
from tests.support.web_servers import RunningServer, dev_server_command, running_server


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The development server of `moderato serve`, without its worker, on a SQLite app."""
    port = free_port()
    data_dir = tmp_path_factory.mktemp("dev-server")
    with running_server(dev_server_command(port), data_dir, port) as server:
        yield server


@pytest.mark.parametrize(
    "bad_request",
    [
        bad_requests.malformed_request_line(),
        bad_requests.long_url(),
        bad_requests.many_headers(),
        bad_requests.unknown_expectation(),
        BadRequest(bad_requests.get("/" + "a" * 70_000), 414, "uri_too_long"),
        BadRequest(b"GET / HTTP/2.0\r\n\r\n", 505, "http_version_not_supported"),
    ],
    ids=["malformed-line", "long-url", "many-headers", "expect", "huge-url", "http-version"],
)
def test_the_dev_server_refuses_bad_requests_with_the_json_error_shape(
    dev_server: RunningServer, bad_request: BadRequest
) -> None:
    answer = exchange(dev_server.port, bad_request.request)
    assert_json_error(answer, bad_request.status, bad_request.code)


def test_the_dev_server_refuses_a_chunked_body_over_64_kib_instead_of_truncating_it(
    dev_server: RunningServer,
) -> None:
    bad_request = bad_requests.oversized_chunked_body(dev_server.site_key)
    answer = exchange(dev_server.port, bad_request.request)
    assert_json_error(answer, 413, "payload_too_large")


def test_the_dev_server_accepts_a_chunked_body_under_64_kib(dev_server: RunningServer) -> None:
    body = bad_requests.oversized_json()[: bad_requests.LIMIT]
    request = bad_requests.chunked_post("/api/v1/comments", body, dev_server.site_key)
    answer = exchange(dev_server.port, request)
    assert answer.status == 202, answer


def test_the_dev_server_still_serves_an_ordinary_request(dev_server: RunningServer) -> None:
    answer = exchange(dev_server.port, bad_requests.get("/healthz"))
    assert answer.status == 200, answer
    assert answer.json() == {"status": "ok"}
