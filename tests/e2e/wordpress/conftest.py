"""A running Moderato (gunicorn and a real Celery worker on PostgreSQL and Redis) and a real
WordPress, from Debian's package, whose Akismet plugin talks to it through our must-use plugin."""

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import select

from models import Comment, ModerationEvent
from service.extensions import db
from service.processes import web_command
from tests.support import backends
from tests.support.processes import (
    ManagedProcess,
    free_port,
    port_open,
    start_worker,
    wait_for,
    worker_env,
)
from tests.support.wordpress.site import WordPress, installed_wordpress

AKISMET_KEY = re.compile(r"\b[0-9a-f]{12}\b")


@dataclass
class Moderato:
    """A started Moderato: where it listens, its processes, and the environment of its CLI."""

    url: str
    env: dict[str, str]
    web: ManagedProcess
    worker: ManagedProcess

    def cli(self, *args: str) -> str:
        """Run `moderato ARGS` against this Moderato's database; its output."""
        command = [sys.executable, "-c", "from service.cli import main; main()", *args]
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"moderato {' '.join(args)}: {done.stderr}{done.stdout}"
        return done.stdout

    def logs(self) -> str:
        """What the web server and the worker wrote, for failure messages."""
        return f"--- web\n{self.web.log()[-4000:]}\n--- worker\n{self.worker.log()[-4000:]}"


@dataclass
class Newsroom:
    """The site WordPress stands for in Moderato, its Akismet key, and a moderator of it."""

    slug: str
    akismet_key: str
    moderator_token: str


@pytest.fixture(scope="module")
def moderato(
    app_factory: dict[str, Flask], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Moderato]:
    """gunicorn (as `moderato web` runs it) and a worker on the test PostgreSQL (migrated by
    app_factory) and the worker Redis database, scoring with the keyword classifier: one spam
    word scores 0.5 (uncertain), several score above the 0.9 default (spam), none 0 (ham)."""
    with app_factory["postgresql"].app_context():
        backends.clean_database()
    redis.Redis.from_url(backends.redis_url(backends.REDIS_WORKER_DB)).flushdb()
    data_dir = tmp_path_factory.mktemp("moderato")
    broker = backends.redis_url(backends.REDIS_WORKER_DB)
    env = worker_env(backends.pg_url(), broker, data_dir, CLASSIFIER_BACKEND="keyword")
    port = free_port()
    web = ManagedProcess(web_command("127.0.0.1", port, 2), env, data_dir / "web.log").start()
    worker = start_worker(env, data_dir / "worker.log")
    try:
        wait_for(lambda: port_open(port) or web.process.poll() is not None, 60)  # type: ignore[union-attr]
        assert web.process.poll() is None, web.log()  # type: ignore[union-attr]
        yield Moderato(f"http://127.0.0.1:{port}", env, web, worker)
    finally:
        web.stop()
        worker.stop()
        with app_factory["postgresql"].app_context():
            backends.clean_database()


@pytest.fixture(scope="module")
def newsroom(moderato: Moderato) -> Newsroom:
    """A site created with `moderato sites create`, whose printed Akismet key we take, and a
    moderator of it."""
    created = moderato.cli("sites", "create", "Il Quotidiano", "--slug", "il-quotidiano")
    keys = AKISMET_KEY.findall(created)
    assert len(keys) == 1, f"`moderato sites create` printed no single Akismet key:\n{created}"
    shown = moderato.cli("sites", "akismet-key", "il-quotidiano")
    assert AKISMET_KEY.findall(shown) == keys, shown
    moderator = moderato.cli("moderators", "create", "redazione", "--site", "il-quotidiano")
    token = re.search(r"\bmk_\S+", moderator)
    assert token, moderator
    return Newsroom("il-quotidiano", keys[0], token.group(0))


@pytest.fixture(scope="module")
def wordpress(moderato: Moderato, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    """A fresh WordPress, its Akismet plugin active, sending Akismet's calls to `moderato`,
    with the administrator logged in."""
    with installed_wordpress(moderato.url, tmp_path_factory.mktemp("wordpress")) as site:
        site.log_in()
        yield site


@pytest.fixture(scope="module")
def akismet_wordpress(wordpress: WordPress, newsroom: Newsroom) -> WordPress:
    """The WordPress with the site's Akismet key saved through Akismet's settings page."""
    if wordpress.php("option", "wordpress_api_key") != newsroom.akismet_key:
        wordpress.enter_akismet_key(newsroom.akismet_key)
    return wordpress


@dataclass
class Store:
    """Moderato's own records, read from its database."""

    app: Flask

    def comment(self, body: str) -> dict[str, Any] | None:
        """The stored comment with this text (None if there is none), and its audit trail."""
        with self.app.app_context():
            comment = db.session.scalars(select(Comment).where(Comment.body == body)).one_or_none()
            if comment is None:
                return None
            events = db.session.scalars(
                select(ModerationEvent)
                .where(ModerationEvent.comment_id == comment.id)
                .order_by(ModerationEvent.id)
            )
            return {
                "id": comment.id,
                "status": comment.status,
                "decided_by": comment.decided_by,
                "decided_by_kind": comment.decided_by_kind,
                "events": [
                    {"actor": e.actor, "actor_kind": e.actor_kind, "to_status": e.to_status,
                     "reason": e.reason}
                    for e in events
                ],
            }  # fmt: skip

    def wait_comment(self, body: str) -> dict[str, Any]:
        """The stored comment with this text, once it is there."""
        return wait_for(lambda: self.comment(body), 30)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def store(app_factory: dict[str, Flask]) -> Store:
    """Moderato's database, the one the running Moderato uses."""
    return Store(app_factory["postgresql"])
