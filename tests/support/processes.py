"""Real Celery worker and Redis server processes for integration tests."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.names import Queues

REPO_ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], Any], timeout: float = 60, interval: float = 0.2) -> Any:
    """Poll until `condition()` is truthy and return it; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ManagedProcess:
    """A child process in its own session, so it and its children can be killed together."""

    def __init__(self, command: list[str], env: dict[str, str], log_path: Path):
        self.command, self.env, self.log_path = command, env, log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "ManagedProcess":
        """Start the process, logging to `log_path`."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        return self

    def log(self) -> str:
        """Everything the process wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up, no acknowledgements."""
        self.signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM the group (children too, even if the leader has gone), then SIGKILL."""
        if self.process is None:
            return
        self.signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        self.kill()  # whatever ignored SIGTERM

    def signal_group(self, signum: int) -> None:
        """Signal every process of the group; a group already gone is fine."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)


def worker_env(
    database_url: str, broker_url: str, data_dir: Path, **settings: Any
) -> dict[str, str]:
    """Environment of a worker process: the same variables an operator would set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MODERATO_")}
    env.update(
        DATABASE_URL=database_url,
        MODERATO_BROKER_URL=broker_url,
        MODERATO_DATA_DIR=str(data_dir),
        PYTHONPATH=str(REPO_ROOT),
        # The metrics folder of its processes, in the test's folder rather than a temporary
        # one (which a worker killed by a test would leave behind).
        PROMETHEUS_MULTIPROC_DIR=str(data_dir / "metrics"),
    )
    env.pop("REDIS_URL", None)
    for key, value in settings.items():
        env[f"MODERATO_{key}"] = str(value)
    return env


def start_worker(
    env: dict[str, str], log_path: Path, *, beat: bool = True, concurrency: int = 1
) -> ManagedProcess:
    """A real `celery worker` (with embedded beat) on Moderato's queues; waits until ready."""
    command = [
        sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker",
        "--queues", ",".join(Queues.all()), "--concurrency", str(concurrency), "--loglevel", "INFO",
        "--hostname", f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]  # fmt: skip
    if beat:
        command += ["--beat", "--schedule", str(Path(env["MODERATO_DATA_DIR"]) / "beat-schedule")]
    if env["MODERATO_BROKER_URL"].startswith("filesystem://"):
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = ManagedProcess(command, env, log_path).start()
    try:
        wait_for(lambda: " ready." in worker.log() or worker.process.poll() is not None, 90)  # type: ignore[union-attr]
    except AssertionError:
        worker.kill()
        raise AssertionError("worker did not start:\n" + worker.log()[-3000:]) from None
    if worker.process.poll() is not None:  # type: ignore[union-attr]
        raise AssertionError("worker exited:\n" + worker.log()[-3000:])
    return worker


def start_redis(port: int, log_path: Path) -> ManagedProcess:
    """A private, throw-away redis-server on `port` (for tests that take the broker down)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    command = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    server = ManagedProcess(command, dict(os.environ), log_path).start()
    wait_for(lambda: port_open(port), 20)
    return server


def port_open(port: int) -> bool:
    """True if something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
