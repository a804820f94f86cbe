"""A worker's metrics port: the token, the route, and the task signals' counters."""

import hashlib
from types import SimpleNamespace

from werkzeug.test import Client

from service.names import TaskNames
from tests.support.metrics import sample
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
