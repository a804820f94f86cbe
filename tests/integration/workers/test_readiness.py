"""`/readyz?deep=1` against a real worker and a private Redis that the tests stop."""

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import use_app
from tests.integration.workers.conftest import make_pg_app, start_pg_worker
from tests.support.backends import dispose_app
from tests.support.processes import free_port, start_redis, wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def redis_port() -> int:
    return free_port()


@pytest.fixture
def web_app(tmp_path: Path, redis_port: int, trained_default: str) -> Iterator[Flask]:
    app = make_pg_app(tmp_path / "web", f"redis://127.0.0.1:{redis_port}/0")
    yield from use_app(app)
    dispose_app(app)


def test_deep_readiness_follows_a_real_worker_and_names_it_once_stopped(
    web_app: Flask, tmp_path: Path, redis_port: int
) -> None:
    client = web_app.test_client()
    redis_server = start_redis(redis_port, tmp_path / "redis.log")
    worker = start_pg_worker(f"redis://127.0.0.1:{redis_port}/0", tmp_path / "w")
    try:
        wait_for(lambda: client.get("/readyz?deep=1").status_code == 200, timeout=30)
        worker.stop()
        answer = client.get("/readyz?deep=1")
        assert answer.status_code == 503
        assert answer.get_json()["error"]["fields"]["workers"] == "no live worker"
        assert client.get("/readyz").status_code == 200  # the web process itself is fine
    finally:
        worker.stop()
        redis_server.stop()


def test_with_its_redis_stopped_the_probe_answers_503_before_the_client_gives_up(
    web_app: Flask, tmp_path: Path, redis_port: int
) -> None:
    start_redis(redis_port, tmp_path / "redis.log").stop()
    server = make_server("127.0.0.1", 0, web_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in ("/readyz", "/readyz?deep=1"):
            url = f"http://127.0.0.1:{server.port}{path}"
            with pytest.raises(urllib.error.HTTPError) as answer:
                # A load balancer's probe gives up quickly; the 503 must come before it does.
                urllib.request.urlopen(url, timeout=1.5)  # noqa: S310 - our own loopback server
            assert answer.value.code == 503
            fields = json.loads(answer.value.read())["error"]["fields"]
            assert fields["broker"] == "unreachable"
    finally:
        server.shutdown()
        thread.join()
