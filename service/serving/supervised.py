"""`moderato serve`: Werkzeug's development server and one Celery worker, stopped together.

Hand-rolled rather than a process manager (honcho, supervisord) because `make run` must need
nothing but this package. The rules:
- the worker runs in a process group of its own, so a terminal's Ctrl-C (SIGINT to the
  foreground group) reaches only `serve`, which then stops the worker exactly once;
- one SIGINT or SIGTERM stops the server, then the worker: SIGTERM to its group, which its
  environment (REMAP_SIGTERM=SIGQUIT) turns into Celery's bounded shutdown, and SIGKILL to the
  group after WORKER_STOP_SECONDS if it is still there; a second signal kills it at once;
- if the worker dies, `serve` stops too: it never accepts comments that nothing would decide;
- the worker's output passes through `serve`, which prints its banner (`on_ready`) once the
  worker says it is ready, so that the banner comes last and no start-up log scrolls it away.
"""

import contextlib
import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer

from service.processes import WORKER_ENVIRONMENT
from service.serving.dev_server import make_dev_server

logger = logging.getLogger(__name__)

WORKER_STOP_SECONDS = 8.0  # then SIGKILL: the whole of `serve` is gone within 10 s
# Celery's last start-up line ("celery@host ready."); the banner follows it, or this long after
# the start if it never comes (a Celery that words it differently still gets a banner).
WORKER_READY_MARK = b" ready."
BANNER_AT_THE_LATEST_SECONDS = 90.0
LOCK_FILE = "serve.lock"


class ServeRefused(Exception):
    """`serve` cannot start: the port is taken, or another `serve` runs on the data folder."""


def check_port_free(host: str, port: int) -> None:
    """Raise ServeRefused if `host:port` cannot be listened on (another server has it)."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise ServeRefused(f"Cannot listen on {host}: unknown address.") from error
    with socket.socket(family, kind) as probe:
        # As Werkzeug's server binds: a port whose last connections linger (TIME_WAIT) is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise ServeRefused(
                f"Port {port} on {host} is in use (another `moderato serve`?). Stop that "
                "server, or choose another port with --port."
            ) from error


def lock_data_dir(data_dir: Path) -> IO[bytes]:
    """Hold an exclusive lock on the data folder for as long as the returned file stays open;
    ServeRefused if another `serve` holds it.

    `serve` embeds Celery beat in its worker, and two beats on one folder would schedule every
    periodic task twice. `serve` is the single-machine mode, so every `serve` of a data folder
    runs on the host that holds the folder, and a file lock is exactly the right scope: the
    kernel releases a flock when its process dies, however it dies, so no stale lock is left
    behind (a pid file would need guessing), and the lock needs no Redis or database. Production
    runs `moderato beat` once, by deployment (docker-compose.yml), and never takes this lock.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = (data_dir / LOCK_FILE).open("ab")  # not inherited by the worker (PEP 446)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        lock.close()
        raise ServeRefused(
            f"Another `moderato serve` is running on the data folder {data_dir} (it holds "
            f"{data_dir / LOCK_FILE}). A second one would start a second beat scheduler, and "
            "every periodic task would run twice. Stop the other one, or give this one its own "
            "folder with MODERATO_DATA_DIR."
        ) from error
    return lock


class Supervisor:
    """Runs the server in the calling (main) thread and watches the worker from another."""

    def __init__(
        self,
        server: BaseWSGIServer,
        worker_command: list[str],
        on_ready: Callable[[], None] = lambda: None,
    ):
        self.server = server
        self.worker_command = worker_command
        self.on_ready = on_ready
        self.worker: subprocess.Popen[bytes] | None = None
        self.relay: threading.Thread | None = None
        self.worker_ready = threading.Event()
        self.stopping = threading.Event()
        self.worker_died = False

    def run(self) -> int:
        """Serve until a signal or the worker's death; stop both; the exit status."""
        self.worker = subprocess.Popen(  # noqa: S603 - our own fixed worker command
            self.worker_command,
            env=os.environ | WORKER_ENVIRONMENT,
            process_group=0,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)
        threading.Thread(target=self.watch_worker, name="watch-worker", daemon=True).start()
        self.relay = threading.Thread(
            target=self.relay_worker_output, args=(self.worker.stdout,), name="relay", daemon=True
        )
        self.relay.start()
        threading.Thread(target=self.announce, name="banner", daemon=True).start()
        self.server.log_startup()  # "Running on http://...", as run_simple prints it
        try:
            self.server.serve_forever()
        finally:
            self.server.server_close()
            self.stop_worker()
        return 1 if self.worker_died else 0

    def relay_worker_output(self, worker_output: IO[bytes]) -> None:
        """Copy the worker's output to ours line by line, noting when it says it is ready."""
        out = sys.stderr.buffer  # where the worker's logs went before: Celery logs to stderr
        for line in worker_output:
            out.write(line)
            out.flush()
            if WORKER_READY_MARK in line:
                self.worker_ready.set()

    def announce(self) -> None:
        """Print the banner once the worker is ready, unless `serve` is stopping by then."""
        self.worker_ready.wait(timeout=BANNER_AT_THE_LATEST_SECONDS)
        if not self.stopping.is_set():
            self.on_ready()

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
        if self.relay is not None:  # its last lines: the worker's shutdown logs
            self.relay.join(timeout=2)

    def signal_worker(self, signum: int) -> None:
        """Signal every process of the worker's group; a group already gone is fine."""
        if self.worker is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.worker.pid, signum)


def serve_with_worker(
    app: Flask,
    host: str,
    port: int,
    worker_command: list[str],
    on_ready: Callable[[], None] = lambda: None,
) -> int:
    """Serve `app` with a worker from `worker_command` until stopped, calling `on_ready` once
    the worker has started; the exit status."""
    return Supervisor(make_dev_server(app, host, port), worker_command, on_ready).run()
