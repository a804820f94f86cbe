"""Real web servers (gunicorn, Werkzeug's development server) on a throw-away SQLite app."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.backends import build_app, dispose_app
from tests.support.factories import create_site
from tests.support.processes import ManagedProcess, port_open, wait_for


@dataclass
class RunningServer:
    """Where a started server listens, and a site key valid on its database."""

    port: int
    site_key: str
    process: ManagedProcess


def prepare_data_dir(data_dir: Path) -> str:
    """Migrate a SQLite database in `data_dir` and create a site on it; return its key."""
    app = build_app("sqlite", data_dir)
    with app.app_context():
        site_key = create_site().api_key
    dispose_app(app)
    return site_key


def server_env(data_dir: Path) -> dict[str, str]:
    """The environment an operator would give the web process: only the data folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MODERATO_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env |= {
        "MODERATO_DATA_DIR": str(data_dir),
        "MODERATO_CLASSIFIER_BACKEND": "keyword",
        "PYTHONUNBUFFERED": "1",
    }
    return env


@contextmanager
def running_server(command: list[str], data_dir: Path, port: int) -> Iterator[RunningServer]:
    """Start `command` (listening on `port`) on a prepared data folder; stop it afterwards."""
    site_key = prepare_data_dir(data_dir)
    process = ManagedProcess(command, server_env(data_dir), data_dir / "server.log").start()
    try:
        wait_for(lambda: port_open(port) or process.process.poll() is not None, 60)  # type: ignore[union-attr]
        assert process.process.poll() is None, process.log()  # type: ignore[union-attr]
        yield RunningServer(port, site_key, process)
    finally:
        process.stop()


def dev_server_command(port: int) -> list[str]:
    """`moderato serve`'s web server alone (no worker), on `port`."""
    code = (
        "from service import create_app\n"
        "from service.serving.dev_server import run_dev_server\n"
        f"run_dev_server(create_app(), '127.0.0.1', {port})\n"
    )
    return [sys.executable, "-c", code]
