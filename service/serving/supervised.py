"""`moderato serve`: Werkzeug's development server and one Celery worker, stopped together.

Hand-rolled rather than a process manager (honcho, supervisord) because `make run` must need
nothing but this package. The rules:
- the worker runs in a process group of its own, so a terminal's Ctrl-C (SIGINT to the
  foreground group) reaches only `serve`, which then stops the worker exactly once;
- one SIGINT or SIGTERM stops the server, then the worker: SIGTERM to its group, which its
  environment (REMAP_SIGTERM=SIGQUIT) turns into Celery's bounded shutdown, and SIGKILL to the
  group after WORKER_STOP_SECONDS if it is still there; a second signal kills it at once;
- if the worker dies, `serve` stops too: it never accepts comments that nothing would decide.
"""

import contextlib
import logging
import os
import signal
import subprocess
import threading
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer

from service.processes import WORKER_ENVIRONMENT
from service.serving.dev_server import make_dev_server

logger = logging.getLogger(__name__)

WORKER_STOP_SECONDS = 8.0  # then SIGKILL: the whole of `serve` is gone within 10 s


class Supervisor:
    """Runs the server in the calling (main) thread and watches the worker from another."""

    def __init__(self, server: BaseWSGIServer, worker_command: list[str]):
        self.server = server
        self.worker_command = worker_command
        self.worker: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.worker_died = False

    def run(self) -> int:
        """Serve until a signal or the worker's death; stop both; the exit status."""
        self.worker = subprocess.Popen(  # noqa: S603 - our own fixed worker command
            self.worker_command, env=os.environ | WORKER_ENVIRONMENT, process_group=0
        )
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)
        threading.Thread(target=self.watch_worker, name="watch-worker", daemon=True).start()
        self.server.log_startup()  # "Running on http://...", as run_simple prints it
        try:
            self.server.serve_forever()
        finally:
            self.server.server_close()
            self.stop_worker()
        return 1 if self.worker_died else 0

    def on_signal(self, signum: int, _frame: Any) -> None:
        """First signal: stop gracefully; any later one: kill the worker now."""
        if self.stopping.is_set():
            self.signal_worker(signal.SIGKILL)
            return
        self.stopping.set()
        logger.info("Stopping (%s)", signal.Signals(signum).name)
        # shutdown() waits for serve_forever() to return, so never from the thread running it.
        threading.Thread(target=self.server.shutdown, daemon=True).start()

    def watch_worker(self) -> None:
        """Stop serving if the worker exits on its own."""
        assert self.worker is not None  # noqa: S101 - started before this thread
        code = self.worker.wait()
        if not self.stopping.is_set():
            self.worker_died = True
            self.stopping.set()
            logger.error("The worker exited (status %s); stopping the web server too", code)
            self.server.shutdown()

    def stop_worker(self) -> None:
        """SIGTERM the worker's group; SIGKILL it after WORKER_STOP_SECONDS."""
        self.stopping.set()
        self.signal_worker(signal.SIGTERM)
        assert self.worker is not None  # noqa: S101 - started in run()
        try:
            self.worker.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            logger.warning(
                "The worker ignored its shutdown for %.0f s; killing it", WORKER_STOP_SECONDS
            )
        self.signal_worker(signal.SIGKILL)  # its pool processes too, whatever the leader did
        self.worker.wait()

    def signal_worker(self, signum: int) -> None:
        """Signal every process of the worker's group; a group already gone is fine."""
        if self.worker is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.worker.pid, signum)


def serve_with_worker(app: Flask, host: str, port: int, worker_command: list[str]) -> int:
    """Serve `app` with a worker from `worker_command` until stopped; the exit status."""
    return Supervisor(make_dev_server(app, host, port), worker_command).run()
