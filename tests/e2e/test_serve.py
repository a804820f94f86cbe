"""The quick start's first command: `moderato serve` on an empty data folder works with no
other step, and stops, worker and all, on one Ctrl-C or SIGTERM, or when its worker dies."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.akismet import wordpress_form
from tests.support.metrics import scraped
from tests.support.processes import ManagedProcess, free_port, port_open, wait_for

pytestmark = pytest.mark.worker


def moderato_command() -> list[str]:
    script = Path(sys.executable).with_name("moderato")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from service.cli import main; main()"]


def request(url: str, key: str, payload: dict | None = None) -> dict:
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=10) as answer:  # noqa: S310 - our own loopback server
        return json.loads(answer.read())


def serve_env(data_dir: Path) -> dict[str, str]:
    """The environment of `moderato serve` on `data_dir`: SQLite and the file broker."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATO_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return env | {"MODERATO_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}


def start_serve(
    data_dir: Path, port: int, *, sigint_ignored: bool = False, log_name: str = "serve.log"
) -> ManagedProcess:
    """`moderato serve` on `data_dir`, in a process group of its own as a terminal runs it.

    `sigint_ignored`: as a non-interactive shell starts a background job (`make run &` in a
    script), which is how serve once ignored Ctrl-C while its worker, installing its own
    handler, died of it.
    """
    command = moderato_command() + ["serve", "--port", str(port), "--concurrency", "1"]
    if sigint_ignored:
        command = ["sh", "-c", "trap '' INT; exec \"$@\"", "sh", *command]
    return ManagedProcess(command, serve_env(data_dir), data_dir / log_name).start()


def wait_served(server: ManagedProcess) -> str:
    """The log once the server listens and its banner (printed last) is out."""
    return wait_for(  # type: ignore[no-any-return]
        lambda: BANNER_END in (text := server.log()) and "Running on" in text and text,
        timeout=180,
    )


BANNER_END = "sites rotate-akismet-key"  # the banner's last command


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[ManagedProcess, int]]:
    """A started `moderato serve` whose worker is ready, and its port."""
    port = free_port()
    server = start_serve(tmp_path, port, sigint_ignored=True)
    try:
        wait_served(server)
        wait_for(lambda: " ready." in server.log(), timeout=90)
        yield server, port
    finally:
        server.stop()
        for pid in leftover_processes(tmp_path).split():  # the worker has a group of its own
            os.kill(int(pid), signal.SIGKILL)


def test_serve_on_an_empty_folder_prints_demo_keys_and_decides_comments(tmp_path: Path) -> None:
    port = free_port()
    server = start_serve(tmp_path, port)
    try:
        log = wait_served(server)
        # The banner comes after the worker's start-up logs, which would scroll it away.
        assert log.index(" ready.") < log.index("Moderato is running") < log.index("Demo moderator")
        site_key = re.search(r"key: (sk_\S+)", log).group(1)  # type: ignore[union-attr]
        token = re.search(r"token: (mk_\S+)", log).group(1)  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}/api/v1"
        payload = {"article_id": "a1", "author_name": "Giulia", "body": "Ottimo articolo, grazie!"}
        created = request(f"{base}/comments", site_key, payload)
        assert created["status"] == "queued"
        decided = wait_for(
            lambda: (
                (c := request(f"{base}/comments/{created['id']}", token))["status"] != "queued"
                and c
            ),
            timeout=90,
        )
        assert decided["decided_by"] == "classifier"
        assert (tmp_path / "moderato.db").exists()
        ready = urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz?deep=1", timeout=5)  # noqa: S310 - our own loopback server
        assert json.loads(ready.read())["checks"]["workers"] == "ok"  # file heartbeats
        assert_one_scrape_shows_the_web_and_the_worker(log, port, decided["status"])
        # The Akismet routes too, from the same server: scored in-process, stored in SQLite.
        akismet_key = re.search(r"Akismet key .*: ([0-9a-f]{12})$", log, re.M).group(1)  # type: ignore[union-attr]
        form = urllib.parse.urlencode(wordpress_form(akismet_key)).encode()
        check = f"http://127.0.0.1:{port}/1.1/comment-check"
        with urllib.request.urlopen(check, form, timeout=10) as answer:  # noqa: S310 - loopback
            assert answer.read() == b"false"
            assert answer.headers["X-akismet-guid"]
        # The printed web login works: the queue shows the comment the classifier held or not.
        password = re.search(r"password: ([\w-]+)", log).group(1)  # type: ignore[union-attr]
        queue_page = web_sign_in(f"http://127.0.0.1:{port}", "demo-moderator", password)
        assert "demo-moderator" in queue_page
        assert "<h1>" in queue_page
    finally:
        server.stop()


def assert_one_scrape_shows_the_web_and_the_worker(log: str, port: int, outcome: str) -> None:
    """serve's own /metrics adds up its web server's counts and its worker's (one folder)."""
    token = re.search(r"Bearer (mt_\S+?)'", log).group(1)  # type: ignore[union-attr]
    headers = {"Authorization": f"Bearer {token}"}
    scrape = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers=headers)
    with urllib.request.urlopen(scrape, timeout=10) as answer:  # noqa: S310 - our own loopback server
        text = answer.read().decode()
    site = re.search(r"Demo site '([^']+)'", log).group(1)  # type: ignore[union-attr]
    assert scraped(text, "moderato_comments_accepted_total", site=site) == 1  # the web process
    labels = {"site": site, "actor_kind": "classifier", "outcome": outcome}
    assert scraped(text, "moderato_decisions_total", **labels) == 1  # the worker process


def web_sign_in(base: str, name: str, password: str) -> str:
    """Sign in through the web UI's form, as a browser would; the queue page it lands on."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(f"{base}/moderate/login", timeout=10) as page:
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.read().decode())[1]  # type: ignore[index]
    form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": csrf})
    with opener.open(f"{base}/moderate/login", form.encode(), timeout=10) as landed:
        assert landed.url == f"{base}/moderate/"
        return str(landed.read().decode())


def test_one_ctrl_c_to_the_process_group_stops_serve_and_its_worker(
    serving: tuple[ManagedProcess, int], tmp_path: Path
) -> None:
    server, _ = serving
    server.signal_group(signal.SIGINT)  # what a terminal sends on Ctrl-C
    wait_for(lambda: all_gone(server, tmp_path), timeout=15)


def test_sigterm_to_serve_alone_stops_serve_and_its_worker(
    serving: tuple[ManagedProcess, int], tmp_path: Path
) -> None:
    server, _ = serving
    server.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
    wait_for(lambda: all_gone(server, tmp_path), timeout=15)


def test_when_its_worker_is_killed_serve_stops_answering(
    serving: tuple[ManagedProcess, int], tmp_path: Path
) -> None:
    server, port = serving
    worker_pid = int(subprocess.run(["pgrep", "-P", str(server.process.pid)],  # type: ignore[union-attr]
                                    capture_output=True).stdout.split()[0])  # fmt: skip
    os.kill(worker_pid, signal.SIGKILL)
    wait_for(lambda: all_gone(server, tmp_path), timeout=15)
    assert server.process.returncode != 0  # type: ignore[union-attr]
    assert not port_open(port)


def all_gone(server: ManagedProcess, tmp_path: Path) -> bool:
    """`serve` has exited and no process of it or its worker is left."""
    in_group = subprocess.run(["pgrep", "-g", str(server.process.pid)], capture_output=True)  # type: ignore[union-attr]
    return (
        server.process.poll() is not None
        and not in_group.stdout
        and not leftover_processes(tmp_path)
    )  # type: ignore[union-attr]


def leftover_processes(tmp_path: Path) -> bytes:
    return subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True).stdout


def run_serve(data_dir: Path, port: int) -> subprocess.CompletedProcess[str]:
    """`moderato serve` to its end (it is expected to refuse to start)."""
    command = moderato_command() + ["serve", "--port", str(port), "--concurrency", "1"]
    return subprocess.run(  # noqa: S603 - our own command
        command, env=serve_env(data_dir), capture_output=True, text=True, timeout=120
    )


def test_a_taken_port_stops_serve_before_it_migrates_or_prints_keys(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve(tmp_path, port)
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is in use" in result.stderr
    assert not (tmp_path / "moderato.db").exists()  # nothing migrated
    assert "Running upgrade" not in result.stdout + result.stderr
    assert "key:" not in result.stdout


def test_a_second_serve_on_the_same_data_folder_is_refused_and_a_restart_shows_the_banner(
    serving: tuple[ManagedProcess, int], tmp_path: Path
) -> None:
    server, port = serving
    second = run_serve(tmp_path, free_port())  # another port, the same folder
    assert second.returncode != 0
    assert "Another `moderato serve` is running on the data folder" in second.stderr
    assert "second beat scheduler" in second.stderr
    assert "Running on" not in second.stdout + second.stderr
    assert port_open(port)  # the first one carries on
    server.stop()
    wait_for(lambda: all_gone(server, tmp_path), timeout=15)
    # Started again (the lock went with the process): the banner again, without secrets.
    restarted = start_serve(tmp_path, port, log_name="restart.log")
    try:
        log = wait_served(restarted)
        assert log.index(" ready.") < log.index("Moderato is running")
        assert f"Moderator web UI: http://127.0.0.1:{port}/moderate/" in log
        assert "Demo moderator: demo-moderator" in log
        for command in ("moderators set-password demo-moderator", "moderators reset-token",
                        "sites rotate-key", "sites rotate-akismet-key"):  # fmt: skip
            assert command in log
        assert not re.search(r"\b(sk|mk)_\S{20,}", log)  # keys are stored hashed: none shown
    finally:
        restarted.stop()
        for pid in leftover_processes(tmp_path).split():
            os.kill(int(pid), signal.SIGKILL)
