"""Browser tests: one chromium and one served app (PostgreSQL) for the whole run; a fresh
browser context (cookies, language) per test."""

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.support.browser import launch, require_chromium, served


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, driven by Playwright."""
    require_chromium()
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def base_url(app_factory: dict[str, Flask]) -> Iterator[str]:
    """The PostgreSQL app behind a real threaded HTTP server."""
    app = app_factory["postgresql"]
    app.config["WEB_POLL_SECONDS"] = 0.5  # live updates show within a second in the tests
    with served(app) as url:
        yield url


@pytest.fixture
def context(browser: Browser, pg_app: Flask) -> Iterator[BrowserContext]:
    """A new browser profile in Italian (the newsroom's language), on empty tables."""
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(10_000)
    yield context
    context.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test (`-m "not browser"` leaves them out)."""
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
