"""gunicorn, as `moderato web` runs it, answers the requests it refuses in the JSON shape."""

import socket
from collections.abc import Iterator

import pytest

from service.processes import web_command
from tests.support import bad_requests
from tests.support.bad_requests import BadRequest
from tests.support.processes import free_port
from tests.support.raw_http import assert_json_error, exchange, parse_answer
from tests.support.web_servers import RunningServer, running_server

THREADED_WORKER = "service.serving.gunicorn_workers.JsonErrorThreadWorker"


def with_worker_class(command: list[str], worker_class: str | None) -> list[str]:
    """`command` with its --worker-class value swapped (None: as web_command builds it)."""
    if worker_class is None:
        return command
    position = command.index("--worker-class") + 1
    return command[:position] + [worker_class] + command[position + 1 :]


@pytest.fixture(scope="module", params=[None, THREADED_WORKER], ids=["sync", "gthread"])
def gunicorn(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A real gunicorn started from web_command's command line, on a SQLite app."""
    port = free_port()
    command = with_worker_class(web_command("127.0.0.1", port, 1), request.param)
    with running_server(command, tmp_path_factory.mktemp("gunicorn"), port) as server:
        yield server


@pytest.mark.parametrize(
    "bad_request",
    [
        bad_requests.malformed_request_line(),
        bad_requests.long_url(),
        bad_requests.many_headers(),
        bad_requests.large_header(),
        bad_requests.unknown_expectation(),
    ],
    ids=["malformed-line", "long-url", "many-headers", "large-header", "expect"],
)
def test_gunicorn_refuses_bad_requests_with_the_json_error_shape(
    gunicorn: RunningServer, bad_request: BadRequest
) -> None:
    answer = exchange(gunicorn.port, bad_request.request)
    assert_json_error(answer, bad_request.status, bad_request.code)


def test_gunicorn_refuses_a_chunked_body_over_64_kib_instead_of_truncating_it(
    gunicorn: RunningServer,
) -> None:
    bad_request = bad_requests.oversized_chunked_body(gunicorn.site_key)
    answer = exchange(gunicorn.port, bad_request.request)
    assert_json_error(answer, 413, "payload_too_large")


def test_gunicorn_accepts_a_chunked_body_under_64_kib(gunicorn: RunningServer) -> None:
    body = bad_requests.oversized_json()[: bad_requests.LIMIT]
    request = bad_requests.chunked_post("/api/v1/comments", body, gunicorn.site_key)
    answer = exchange(gunicorn.port, request)
    assert answer.status == 202, answer
    assert answer.json()["status"] == "queued"


def test_the_gunicorn_error_writer_writes_a_500_without_the_exception_text() -> None:
    from service.serving.gunicorn_workers import write_json_error

    server_side, client_side = socket.socketpair()
    with server_side, client_side:
        write_json_error(server_side, 500, "Internal Server Error", "secret-detail")
        server_side.shutdown(socket.SHUT_WR)
        answer = parse_answer(client_side.recv(65536))
    assert_json_error(answer, 500, "internal_error")
    assert b"secret" not in answer.body


def test_gunicorn_still_serves_an_ordinary_request(gunicorn: RunningServer) -> None:
    answer = exchange(gunicorn.port, bad_requests.get("/healthz"))
    assert answer.status == 200, answer
    assert answer.json() == {"status": "ok"}
