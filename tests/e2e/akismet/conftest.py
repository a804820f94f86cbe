"""The Akismet app on each backend, and a site with its Akismet key."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import Site
from service.akismet import create_akismet_app
from tests.conftest import BACKENDS, use_app
from tests.support import backends
from tests.support.factories import create_site


@pytest.fixture(scope="session")
def akismet_apps(
    postgres_database: str, fresh_redis: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Flask]]:
    """One Akismet app per backend for the whole run."""
    apps = {
        # Keys are looked up on every request, so a test's change of policy or key applies
        # at once (the cache is the JSON API's, tested there).
        backend: backends.build_app(
            backend,
            tmp_path_factory.mktemp(f"akismet-{backend}"),
            create_akismet_app,
            KEY_CACHE_SECONDS=0,
        )  # fmt: skip
        for backend in BACKENDS
    }
    yield apps
    for flask_app in apps.values():
        backends.dispose_app(flask_app)


@pytest.fixture(params=BACKENDS)
def akismet_app(request: pytest.FixtureRequest, akismet_apps: dict[str, Flask]) -> Iterator[Flask]:
    """The Akismet app on each backend in turn, with empty tables."""
    yield from use_app(akismet_apps[request.param])


@pytest.fixture
def akismet_client(akismet_app: Flask) -> FlaskClient:
    """A test client of the Akismet app."""
    return akismet_app.test_client()


@dataclass
class KeyedSite:
    """A site and its Akismet key."""

    site: Site
    key: str


@pytest.fixture
def keyed_site(akismet_app: Flask) -> KeyedSite:
    """A post-moderated site with the default thresholds (0.2 / 0.9)."""
    new = create_site("Il Quotidiano")
    return KeyedSite(new.site, new.akismet_key)
