"""Browser tests: Debian's chromium driven by Playwright, the app served by a real server,
axe-core from node_modules, and screenshots kept as test artefacts."""

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from service.serving.dev_server import make_dev_server
from tests.support.processes import REPO_ROOT
from tests.support.web import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download cannot work here: Debian's chromium, without a sandbox
# (tests run as root in CI) and without its background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts" / "browser"
BLOCKING_IMPACTS = ("serious", "critical")


def require_chromium() -> None:
    """Skip where there is no chromium, except in CI (.ci/run installs it): fail there."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing (.ci/run installs chromium)")
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """`app` behind the threaded server `moderato serve` uses, on a free port; its base URL."""
    server = make_dev_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def sign_in(page: Page, base_url: str, name: str, password: str = PASSWORD) -> None:
    """Fill in the sign-in form and wait for the queue."""
    page.goto(f"{base_url}/moderate/login")
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    page.locator("#password").press("Enter")
    page.wait_for_url(f"{base_url}/moderate/")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under tests/artifacts/browser/ (kept by CI as an artefact)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy
    does not govern; adding it as a <script> would be (rightly) refused by that policy.
    """
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make install` (npm ci)")
    page.evaluate(AXE_SCRIPT.read_text())
    results = page.evaluate("async () => await axe.run(document)")
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation; the details are in the assertion message.

    For the queue here, and for every other page of the UI (detail, dashboard) to call."""
    violations = axe_violations(page)
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
    assert violations == [], json.dumps(summary, indent=1)


def launch(playwright) -> Browser:  # type: ignore[no-untyped-def]
    """Debian's chromium, headless."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


__all__ = ["assert_accessible", "expect", "launch", "screenshot", "served", "sign_in"]
