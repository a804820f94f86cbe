"""A running Moderato (gunicorn and a real Celery worker on PostgreSQL and Redis) and a real
WordPress, from Debian's package, whose Akismet plugin talks to it through our must-use plugin."""

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from models import Comment, ModerationEvent
from service.extensions import db
from service.processes import akismet_command, web_command
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
    """A started Moderato: where its Akismet-compatible API and its JSON API listen, its
    processes, and the environment of its CLI."""

    akismet_url: str
    api_url: str
    env: dict[str, str]
    processes: list[ManagedProcess]

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """Run `moderato ARGS` against this Moderato's database (`stdin` its input); its
        output."""
        command = [sys.executable, "-c", "from service.cli import main; main()", *args]
        done = subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=120, input=stdin
        )
        assert done.returncode == 0, f"moderato {' '.join(args)}: {done.stderr}{done.stdout}"
        return done.stdout

    def api(self, path: str, token: str, payload: dict[str, Any] | None = None) -> Any:
        """Call the JSON API (POST when `payload` is given) with a bearer token; its answer."""
        data = json.dumps(payload).encode() if payload is not None else None
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        request = urllib.request.Request(self.api_url + path, data, headers)  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return json.loads(answer.read())


@dataclass
class Newsroom:
    """The site WordPress stands for in Moderato, its Akismet key (and the one it replaced),
    and a moderator of it."""

    slug: str
    akismet_key: str
    replaced_akismet_key: str
    moderator_token: str


@pytest.fixture(scope="module")
def moderato(
    app_factory: dict[str, Flask], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Moderato]:
    """The JSON API and the Akismet-compatible API under gunicorn (as `moderato web` and
    `moderato akismet` run them) and a worker, on the test PostgreSQL (migrated by app_factory)
    and the worker Redis database, scoring with the keyword classifier: one spam
    word scores 0.5 (uncertain), several score above the 0.9 default (spam), none 0 (ham)."""
    with running_moderato(app_factory, tmp_path_factory) as started:
        yield started


@contextmanager
def running_moderato(
    app_factory: dict[str, Flask], tmp_path_factory: pytest.TempPathFactory, **settings: Any
) -> Iterator[Moderato]:
    """Start the `moderato` fixture's processes, with MODERATO_* `settings` added."""
    with app_factory["postgresql"].app_context():
        backends.clean_database()
    redis.Redis.from_url(backends.redis_url(backends.REDIS_WORKER_DB)).flushdb()
    data_dir = tmp_path_factory.mktemp("moderato")
    broker = backends.redis_url(backends.REDIS_WORKER_DB)
    # KEY_CACHE_SECONDS=0: a site's policy change (the discard opt-in) applies to the next
    # check, instead of within the 10 s the Akismet process may cache a resolved key.
    env = worker_env(
        backends.pg_url(), broker, data_dir, CLASSIFIER_BACKEND="keyword", KEY_CACHE_SECONDS=0,
        **settings,
    )  # fmt: skip
    web_port, akismet_port = free_port(), free_port()
    processes = [
        ManagedProcess(web_command("127.0.0.1", web_port, 1), env, data_dir / "web.log").start(),
        ManagedProcess(
            akismet_command("127.0.0.1", akismet_port, 1, 4), env, data_dir / "akismet.log"
        ).start(),
    ]
    try:
        processes.append(start_worker(env, data_dir / "worker.log"))
        wait_listening(processes[0], web_port)
        wait_listening(processes[1], akismet_port)
        # gunicorn listens before its worker has loaded the app: wait for a first answer.
        akismet_url = f"http://127.0.0.1:{akismet_port}"
        wait_for(lambda: connected(akismet_url), 90)
        yield Moderato(akismet_url, f"http://127.0.0.1:{web_port}", env, processes)
    finally:
        for process in processes:
            process.stop()
        with app_factory["postgresql"].app_context():
            backends.clean_database()


def wait_listening(process: ManagedProcess, port: int) -> None:
    """Wait until `process` accepts connections on `port`; fail with its log if it exits."""
    wait_for(lambda: port_open(port) or process.process.poll() is not None, 60)  # type: ignore[union-attr]
    assert process.process.poll() is None, process.log()  # type: ignore[union-attr]


def connected(akismet_url: str) -> bool:
    """True once the Akismet API answers its connection test."""
    try:
        with urllib.request.urlopen(akismet_url + "/1.1/test", timeout=5) as answer:  # noqa: S310 - loopback
            return bool(answer.read() == b"connected")
    except OSError:
        return False


@pytest.fixture(scope="module")
def newsroom(moderato: Moderato) -> Newsroom:
    """A site made with `moderato sites create`, its Akismet key replaced once with `moderato
    sites akismet-key` (as after a lost key), and a moderator of it."""
    created = moderato.cli("sites", "create", "Il Quotidiano", "--slug", "il-quotidiano")
    first = AKISMET_KEY.findall(created)
    assert len(first) == 1, f"`moderato sites create` printed no single Akismet key:\n{created}"
    replaced = moderato.cli("sites", "akismet-key", "il-quotidiano")
    second = AKISMET_KEY.findall(replaced)
    assert len(second) == 1, replaced
    assert second != first, replaced
    moderator = moderato.cli("moderators", "create", "redazione", "--site", "il-quotidiano")
    token = re.search(r"\bmk_\S+", moderator)
    assert token, moderator
    return Newsroom("il-quotidiano", second[0], first[0], token.group(0))


@pytest.fixture(scope="module")
def wordpress(moderato: Moderato, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    """A fresh WordPress, its Akismet plugin active, sending Akismet's calls to `moderato`,
    with the administrator logged in."""
    with installed_wordpress(moderato.akismet_url, tmp_path_factory.mktemp("wordpress")) as site:
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

    def comment(self, text: str) -> dict[str, Any] | None:
        """The one stored comment containing `text` (None if there is none), and its audit
        trail. More than one is an error."""
        with self.app.app_context():
            query = select(Comment).where(Comment.body.contains(text, autoescape=True))
            comment = db.session.scalars(query).one_or_none()
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
                "body": comment.body,
                "author_name": comment.author_name,
                "events": [
                    {"actor": e.actor, "actor_kind": e.actor_kind, "to_status": e.to_status,
                     "reason": e.reason}
                    for e in events
                ],
            }  # fmt: skip

    def count(self, text: str) -> int:
        """How many stored comments contain `text`."""
        with self.app.app_context():
            condition = Comment.body.contains(text, autoescape=True)
            query = select(func.count()).select_from(Comment).where(condition)
            return db.session.scalar(query) or 0

    def wait_comment(self, text: str) -> dict[str, Any]:
        """The stored comment containing `text`, once it is there."""
        return wait_for(lambda: self.comment(text), 30)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def store(app_factory: dict[str, Flask]) -> Store:
    """Moderato's database, the one the running Moderato uses."""
    return Store(app_factory["postgresql"])
