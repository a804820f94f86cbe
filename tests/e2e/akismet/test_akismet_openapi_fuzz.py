"""schemathesis fuzzes the Akismet routes against Automattic's own description of the
protocol (`../shared/akismet/spec.yml`, from its PHP SDK): every answer is one that
description allows, and none is a 5xx. On PostgreSQL, the stricter backend.

One check is left out, as the description's README says: it marks fields required, but real
Akismet answers `200 invalid` when they are missing (and so does Moderato, since WordPress
reads only the body), so `negative_data_rejection` fails on a faithful server by design.
And one answer of another check is let through: the two /1.2/ reports also take POST, which
the description does not list, because WordPress's Akismet plugin sends them by POST.
"""

import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from schemathesis.openapi.checks import AllowHeaderMismatch, UnsupportedMethodResponse

from tests.conftest import use_app
from tests.support.factories import create_site
from tests.support.schemathesis_settings import fuzz_settings

SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "akismet" / "spec.yml"
if not SPEC.is_file():  # always there in CI
    pytest.skip("../shared/akismet/spec.yml is not present", allow_module_level=True)

EXAMPLES_PER_OPERATION = 150
MINIMUM_REQUESTS = 500
sent: Counter[str] = Counter()  # requests by key: the site's, or one schemathesis made up
fuzzed: set[str] = set()
turns = itertools.count()

schema = schemathesis.openapi.from_path(SPEC)
schema.config.checks.update(excluded_check_names=["negative_data_rejection"])
schema.config.output.sanitization.update(enabled=False)  # the keys are the test's own


# The undeclared method WordPress's plugin uses for the reports (Akismet::http_post).
WORDPRESS_POSTS = {"/1.2/usage-limit", "/1.2/key-sites"}


@schema.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but those about POST on the reports, which WordPress needs: a 200
    to it, and `Allow` listing it."""
    if case.path not in WORDPRESS_POSTS:
        return True
    if isinstance(failure, UnsupportedMethodResponse):
        return response.request.method != "POST"
    if isinstance(failure, AllowHeaderMismatch):
        allowed = set(response.headers.get("allow", [""])[0].split(", "))
        return allowed != {"GET", "HEAD", "OPTIONS", "POST"}
    return True


@pytest.fixture(scope="module", autouse=True)
def enough_requests() -> Iterator[None]:
    """After the module: enough requests, most of them with the site's key (checked when
    every operation ran)."""
    yield
    if fuzzed == {operation.ok().label for operation in schema.get_all_operations()}:
        print(f"\nschemathesis sent {sum(sent.values())} requests: {dict(sent)}")  # noqa: T201
        assert sum(sent.values()) >= MINIMUM_REQUESTS
        assert sent["site"] > sent["made up"] > 0


@pytest.fixture
def akismet_pg(akismet_apps: dict[str, Flask]) -> Iterator[Flask]:
    """The Akismet app on PostgreSQL, with empty tables."""
    yield from use_app(akismet_apps["postgresql"])


@pytest.fixture
def akismet_key(akismet_pg: Flask) -> str:
    return create_site("Il Quotidiano").akismet_key


def use_key(case: Any, key: str) -> str:
    """Put the site's key where the operation takes one, three times in four (else the key
    schemathesis made up stays: an unknown key is answered `invalid`)."""
    if next(turns) % 4 == 0:
        return "made up"
    for container in (case.body, case.query):
        if isinstance(container, dict):
            for name in ("api_key", "key"):
                if name in container:
                    container[name] = key
    return "site"


@schema.parametrize()
@fuzz_settings(EXAMPLES_PER_OPERATION)
def test_every_akismet_answer_conforms_to_automattics_description(
    case: Any, akismet_pg: Flask, akismet_key: str
) -> None:
    sent[use_key(case, akismet_key)] += 1
    fuzzed.add(case.operation.label)
    case.operation.schema.app = akismet_pg  # also for the requests checks send on their own
    case.call_and_validate(app=akismet_pg)
