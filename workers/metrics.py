"""Worker metrics: task retries and failures from Celery's signals, and a port of the worker's
own from which a scraper reads its processes' metrics.

Every worker machine is scraped on its own port (WORKER_METRICS_PORT), because nothing here
may assume that the web process shares a machine, or a folder, with the workers. The worker's
main process serves what all its processes recorded (its pool's too: they share its
multiprocess folder, service/metrics/multiprocess_dir.py); the queue gauges come from the
web's `/metrics` only, so that a sum over every target counts nothing twice. The token is the web's
METRICS_TOKEN.
"""

import logging
import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from celery import bootsteps
from celery.signals import task_failure, task_retry
from werkzeug.wrappers import Request, Response

from service.metrics import definitions as metrics
from service.metrics import exposition
from service.names import TaskNames
from service.serving.answers import error_body

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
TASKS = frozenset(TaskNames.all())


def task_label(task: Any) -> str:
    """The task's name if it is one of ours (a bounded label), else "other"."""
    return metrics.bounded(str(getattr(task, "name", "")), TASKS)


@task_retry.connect
def count_retry(sender: Any = None, **_: Any) -> None:
    """A task asked Celery to run it again (`self.retry`)."""
    metrics.TASK_RETRIES.labels(task=task_label(sender)).inc()


@task_failure.connect
def count_failure(sender: Any = None, **_: Any) -> None:
    """A task raised and will not be retried."""
    metrics.TASK_FAILURES.labels(task=task_label(sender)).inc()


def json_error(status: int) -> Response:
    """An error answer in the API's JSON shape."""
    return Response(error_body(status), status=status, content_type="application/json")


def metrics_app(config: dict[str, Any]) -> Any:
    """The WSGI app of a worker's metrics port: `GET /metrics` with the metrics token."""

    @Request.application
    def serve(request: Request) -> Response:
        if request.path != METRICS_PATH:
            return json_error(404)
        if request.method not in ("GET", "HEAD"):
            return json_error(405)
        authorization = request.headers.get("Authorization")
        if not exposition.token_matches(config["METRICS_TOKEN_SHA256"], authorization):
            answer = json_error(401)
            answer.headers["WWW-Authenticate"] = "Bearer"
            return answer
        body, content_type = exposition.render(
            exposition.scrape_registry(), request.headers.get("Accept")
        )
        return Response(body, content_type=content_type)

    return serve


# The standard library's WSGI server, one thread per request, as prometheus_client's own
# start_http_server runs it (Werkzeug's exits the process when its port is taken).
class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """A WSGI server answering each request in a thread of its own."""

    daemon_threads = True


class QuietRequestHandler(WSGIRequestHandler):
    """No access-log line per scrape (every 15 s, forever)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def start_metrics_server(config: dict[str, Any]) -> WSGIServer | None:
    """Serve the worker's metrics from a thread, if a port and a token are configured.

    A port that cannot be bound is logged, not raised: the worker still decides comments
    (the scraper sees the target down), which matters more than its figures.
    """
    port = config["WORKER_METRICS_PORT"]
    if port in (None, ""):
        return None
    if not config["METRICS_TOKEN_SHA256"]:
        logger.error("WORKER_METRICS_PORT is set but METRICS_TOKEN is not: metrics not served")
        return None
    try:
        server = make_server(
            config["WORKER_METRICS_HOST"], int(port), metrics_app(config),
            server_class=ThreadingWSGIServer, handler_class=QuietRequestHandler,
        )  # fmt: skip
    except OSError:
        logger.exception("Cannot serve worker metrics on port %s", port)
        return None
    threading.Thread(target=server.serve_forever, name="metrics-server", daemon=True).start()
    logger.info("Serving worker metrics on port %s%s", server.server_port, METRICS_PATH)
    return server


def metrics_server_step(config: dict[str, Any]) -> type[bootsteps.StartStopStep]:
    """A worker bootstep running the metrics port in the worker's main process, started once
    its pool exists and stopped with the worker."""

    class MetricsServer(bootsteps.StartStopStep):
        requires = {"celery.worker.components:Pool"}

        def __init__(self, worker: Any, **kwargs: Any) -> None:
            super().__init__(worker, **kwargs)
            self.server: WSGIServer | None = None

        def start(self, worker: Any) -> None:
            self.server = start_metrics_server(config)

        def stop(self, worker: Any) -> None:
            if self.server is not None:
                self.server.shutdown()
                self.server.server_close()
                self.server = None

    return MetricsServer
