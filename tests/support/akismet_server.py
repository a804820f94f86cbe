"""A real Akismet process (`moderato akismet`: gunicorn, the real classifier) on a throw-away
SQLite database, for clients that talk HTTP: the PyPI client, WordPress, the benchmark."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from service.akismet import create_akismet_app
from service.extensions import db
from service.learning.training import ensure_default_classifier
from tests.support.backends import build_app
from tests.support.factories import create_site
from tests.support.processes import ManagedProcess, free_port, wait_for
from tests.support.web_servers import server_env

MODERATO = str(Path(sys.executable).with_name("moderato"))


@dataclass
class AkismetServer:
    """Where the server listens and the Akismet key of its one site."""

    url: str
    key: str
    site_slug: str
    process: ManagedProcess


def prepare(data_dir: Path, **site_options: Any) -> tuple[str, str]:
    """Migrate a SQLite database in `data_dir`, train the default classifier (so no check
    waits for it), create a site; returns its slug and Akismet key."""
    app = build_app("sqlite", data_dir, create_akismet_app)
    with app.app_context():
        ensure_default_classifier()
        new = create_site("Il Quotidiano", **site_options)
        slug, key = new.site.slug, new.akismet_key
        # Not dispose_app: it closes kombu's connection pool, which every app with the same
        # broker URL shares for the rest of the run. This app never published anything.
        db.engine.dispose()
    return slug, key


@contextmanager
def running_akismet_server(
    data_dir: Path, *, threads: int = 4, env: dict[str, str] | None = None, **site_options: Any
) -> Iterator[AkismetServer]:
    """`moderato akismet` on a free port with the real (scikit-learn) classifier."""
    slug, key = prepare(data_dir, **site_options)
    port = free_port()
    command = [MODERATO, "akismet", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1", "--threads", str(threads)]  # fmt: skip
    process_env = server_env(data_dir) | {"MODERATO_CLASSIFIER_BACKEND": "sklearn"} | (env or {})
    process = ManagedProcess(command, process_env, data_dir / "akismet.log").start()
    try:
        url = f"http://127.0.0.1:{port}"
        # The port opens before gunicorn's worker has loaded the app: wait for an answer.
        wait_for(lambda: answers(url) or process.process.poll() is not None, 90)  # type: ignore[union-attr]
        assert process.process.poll() is None, process.log()  # type: ignore[union-attr]
        yield AkismetServer(url, key, slug, process)
    finally:
        process.stop()


def answers(url: str) -> bool:
    """True once the server answers `GET /1.1/test` with `connected`."""
    try:
        return httpx.get(f"{url}/1.1/test", timeout=2).text == "connected"
    except httpx.HTTPError:
        return False
