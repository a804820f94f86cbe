"""A worker's metrics port: the token, the route, and the task signals' counters."""

import hashlib
import socket
import urllib.request
from types import SimpleNamespace

import pytest
from werkzeug.test import Client

from service.names import TaskNames
from tests.support.metrics import sample
from tests.support.processes import free_port, port_open
from workers import metrics as worker_metrics

TOKEN = "worker-metrics-token-0123"
CONFIG = {"METRICS_TOKEN_SHA256": hashlib.sha256(TOKEN.encode()).hexdigest()}


def client(config: dict = CONFIG) -> Client:
    return Client(worker_metrics.metrics_app(config))


def test_the_metrics_route_with_the_token_answers_the_prometheus_text() -> None:
    answer = client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE moderato_task_retries_total counter" in answer.get_data(as_text=True)


def test_without_the_token_the_answer_is_a_json_401() -> None:
    answer = client().get("/metrics", headers={"Authorization": "Bearer wrong-token-0123456"})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert answer.json["error"]["code"] == "unauthorized"  # type: ignore[index]
    assert b"moderato_" not in answer.data


def test_with_no_token_configured_nothing_is_served() -> None:
    answer = client({"METRICS_TOKEN_SHA256": None}).get("/metrics", headers={"Authorization": ""})
    assert answer.status_code == 401


def test_other_paths_and_methods_are_refused() -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert client().get("/", headers=headers).status_code == 404
    assert client().post("/metrics", headers=headers).status_code == 405


def test_task_retry_and_failure_signals_count_by_task_name() -> None:
    task = SimpleNamespace(name=TaskNames.RETRAIN_SITE_CLASSIFIER)
    retries = sample("moderato_task_retries_total", task=task.name)
    failures = sample("moderato_task_failures_total", task=task.name)
    worker_metrics.count_retry(sender=task, reason="boom")
    worker_metrics.count_failure(sender=task, exception=RuntimeError("boom"))
    assert sample("moderato_task_retries_total", task=task.name) == retries + 1
    assert sample("moderato_task_failures_total", task=task.name) == failures + 1


def test_a_task_that_is_not_ours_is_counted_as_other() -> None:
    before = sample("moderato_task_failures_total", task="other")
    worker_metrics.count_failure(sender=SimpleNamespace(name="celery.chord_unlock"))
    assert sample("moderato_task_failures_total", task="other") == before + 1


def server_config(port: object) -> dict:
    return CONFIG | {"WORKER_METRICS_PORT": port, "WORKER_METRICS_HOST": "127.0.0.1"}


def test_the_metrics_server_serves_on_its_port_until_stopped() -> None:
    port = free_port()
    server = worker_metrics.start_metrics_server(server_config(port))
    assert server is not None
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
            assert b"moderato_task_failures_total" in answer.read()
    finally:
        server.shutdown()
        server.server_close()
    assert not port_open(port)


def test_no_port_no_server() -> None:
    assert worker_metrics.start_metrics_server(server_config(None)) is None


def test_a_port_without_a_token_is_not_served(caplog: pytest.LogCaptureFixture) -> None:
    config = server_config(free_port()) | {"METRICS_TOKEN_SHA256": None}
    assert worker_metrics.start_metrics_server(config) is None
    assert "METRICS_TOKEN is not" in caplog.text


def test_a_port_in_use_is_logged_and_the_worker_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert worker_metrics.start_metrics_server(server_config(port)) is None
    assert f"Cannot serve worker metrics on port {port}" in caplog.text
