"""README command 1: `moderato serve` on an empty data folder works with no other step."""

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.processes import ManagedProcess, free_port, wait_for

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


def test_serve_on_an_empty_folder_prints_demo_keys_and_decides_comments(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATO_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env |= {"MODERATO_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    command = moderato_command() + ["serve", "--port", str(port), "--concurrency", "1"]
    server = ManagedProcess(command, env, tmp_path / "serve.log").start()
    try:
        log = wait_for(
            lambda: "Demo moderator" in (text := server.log()) and "Running on" in text and text,
            timeout=180,
        )
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
        # SIGTERM to `serve` alone, as a supervisor sends it: its worker must go too.
        server.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        wait_for(lambda: not leftover_processes(tmp_path), timeout=60)
    finally:
        server.stop()


def leftover_processes(tmp_path: Path) -> bytes:
    return subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True).stdout
