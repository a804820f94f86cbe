"""Prometheus scrapes a real deployment: gunicorn with two worker processes (`/metrics`) and
a real Celery worker with two pool processes on its own metrics port, as on two machines
(each with its own metrics folder). The counters move as comments are submitted and decided.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from service.processes import web_command
from tests.support.backends import build_app, dispose_app
from tests.support.factories import comment_payload, create_moderator, create_site
from tests.support.metrics import scraped, scraped_sum
from tests.support.processes import (
    ManagedProcess,
    free_port,
    port_open,
    start_worker,
    wait_for,
    worker_env,
)
from tests.support.web_servers import server_env

pytestmark = pytest.mark.worker

TOKEN = "scrape-test-token-0123456789"
COMMENTS = 6


@dataclass
class Deployment:
    web_port: int
    worker_port: int
    site_slug: str
    site_key: str
    moderator_token: str


def call(url: str, key: str, payload: dict | None = None) -> tuple[int, bytes]:
    """Status and body of a request with a bearer key (errors included)."""
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    try:
        request = urllib.request.Request(url, data, headers)  # noqa: S310 - our own loopback server
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - our own loopback server
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def scrape(port: int) -> str:
    status, body = call(f"http://127.0.0.1:{port}/metrics", TOKEN)
    assert status == 200, body
    return body.decode()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """gunicorn and a worker on one SQLite data folder and the file-system broker."""
    data_dir = tmp_path_factory.mktemp("scrape")
    app = build_app("sqlite", data_dir)
    with app.app_context():
        site = create_site()
        moderator = create_moderator(site.site)
        slug, site_key, token = site.site.slug, site.api_key, moderator.token
    dispose_app(app)
    web_port, worker_port = free_port(), free_port()
    web = ManagedProcess(
        web_command("127.0.0.1", web_port, 2),
        server_env(data_dir) | {"MODERATO_METRICS_TOKEN": TOKEN},
        data_dir / "web.log",
    ).start()
    settings = {"CLASSIFIER_BACKEND": "keyword", "METRICS_TOKEN": TOKEN,
                "WORKER_METRICS_PORT": worker_port, "WORKER_METRICS_HOST": "127.0.0.1"}  # fmt: skip
    database_url = f"sqlite:///{data_dir / 'moderato.db'}"
    worker = None
    try:
        worker = start_worker(
            worker_env(database_url, "filesystem://", data_dir, **settings),
            data_dir / "worker.log",
            beat=False,
            concurrency=2,
        )
        wait_for(lambda: port_open(web_port) and port_open(worker_port), 60)
        yield Deployment(web_port, worker_port, slug, site_key, token)
    finally:
        web.stop()
        if worker is not None:
            worker.stop()


def submit_and_decide(deployment: Deployment) -> list[dict]:
    """Submit COMMENTS comments and one invalid one; wait until the worker decided them."""
    base = f"http://127.0.0.1:{deployment.web_port}/api/v1"
    ids = []
    for number in range(COMMENTS):
        status, body = call(f"{base}/comments", deployment.site_key,
                            comment_payload(body=f"Commento numero {number}, grazie."))  # fmt: skip
        assert status == 202, body
        ids.append(json.loads(body)["id"])
    assert call(f"{base}/comments", deployment.site_key, comment_payload(body=""))[0] == 422

    def decided() -> list[dict] | None:
        comments = [json.loads(call(f"{base}/comments/{i}", deployment.site_key)[1]) for i in ids]
        return comments if all(c["status"] != "queued" for c in comments) else None

    return wait_for(decided, timeout=90)  # type: ignore[no-any-return]


def test_scrapes_of_the_web_and_the_worker_follow_the_comments(deployment: Deployment) -> None:
    comments = submit_and_decide(deployment)
    site = deployment.site_slug
    # Whichever gunicorn process answers, the scrape adds up both processes' files.
    for _ in range(4):
        web = scrape(deployment.web_port)
        assert scraped(web, "moderato_comments_accepted_total", site=site) == COMMENTS
        assert scraped(web, "moderato_comments_refused_total", site=site,
                       reason="validation_failed") == 1  # fmt: skip
    # The worker's port: its pool processes' decisions, latencies and batches.
    worker = scrape(deployment.worker_port)
    decided = scraped_sum(worker, "moderato_decisions_total", site=site, actor_kind="classifier")
    assert decided == COMMENTS
    for outcome in {c["status"] for c in comments}:
        expected = sum(1 for c in comments if c["status"] == outcome)
        assert scraped(worker, "moderato_decisions_total", site=site, actor_kind="classifier",
                       outcome=outcome) == expected  # fmt: skip
    latency = "moderato_classification_latency_seconds_count"
    assert scraped(worker, latency, site=site) == COMMENTS
    batch_size = "moderato_classification_batch_comments_sum"
    assert scraped(worker, batch_size, task="moderation.classify_comments") == COMMENTS
    # Each machine serves its own processes only: nothing is counted twice across targets.
    assert scraped_sum(web, "moderato_decisions_total", actor_kind="classifier") == 0
    assert scraped(worker, "moderato_comments_accepted_total", site=site) is None
    pending = sum(1 for c in comments if c["status"] == "pending")
    assert scraped(web, "moderato_queue_comments", site=site, status="pending") == pending
    assert scraped(web, "moderato_queue_comments", site=site, status="queued") == 0

    # A moderator's decision is made, and counted, by the web process.
    target = comments[0]
    action = "reject" if target["status"] != "rejected" else "approve"
    base = f"http://127.0.0.1:{deployment.web_port}/api/v1/moderation/comments"
    payload = {"reason": "spam"} if action == "reject" else {}
    status, body = call(f"{base}/{target['id']}/{action}", deployment.moderator_token, payload)
    assert status == 200, body
    outcome = "rejected" if action == "reject" else "approved"
    web = scrape(deployment.web_port)
    assert scraped(web, "moderato_decisions_total", site=site, actor_kind="moderator",
                   outcome=outcome) == 1  # fmt: skip


@pytest.mark.parametrize("target", ["web", "worker"])
def test_neither_port_answers_without_the_token(deployment: Deployment, target: str) -> None:
    port = deployment.web_port if target == "web" else deployment.worker_port
    status, body = call(f"http://127.0.0.1:{port}/metrics", "not-the-metrics-token")
    assert status == 401
    assert json.loads(body)["error"]["code"] == "unauthorized"
