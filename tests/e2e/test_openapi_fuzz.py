"""schemathesis fuzzes the API against its own OpenAPI description (/api/v1/openapi.json),
authenticated as a site and as a moderator: no answer is a 5xx, and every answer is one the
description allows (status, content type, headers, body schema), with all of schemathesis's
default checks on (valid data accepted, invalid data refused, auth enforced...).

Runs on PostgreSQL only, like tests/e2e/test_fuzz.py (the stricter backend).
"""

import itertools
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import strategies as st
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData
from sqlalchemy import select

from models import INTEGER_MAX, CommentStatus, Site, SiteRole, WebhookDelivery
from service import create_app
from service.extensions import db
from service.webhooks.endpoints import UNREACHABLE_URL
from tests.support.factories import (
    bearer,
    comment_payload,
    create_comment,
    create_endpoint,
    create_moderator,
    create_site,
)
from tests.support.schemathesis_settings import fuzz_settings

EXAMPLES_PER_OPERATION = 120  # about 2,500 requests in all, some operations having fewer cases
SCHEMES = {"siteKey": "site", "moderatorToken": "moderator"}

MINIMUM_REQUESTS = 2_000  # generated requests in all, as sites and as moderators
sent: Counter[str] = Counter()  # generated requests per kind of key, for the total checked below
fuzzed: set[str] = set()  # the operations that ran
turns = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def enough_requests() -> Iterator[None]:
    """After the whole module: the fuzzer sent at least MINIMUM_REQUESTS, both kinds of key
    among them (checked when every operation ran, not for a `-k` selection)."""
    yield
    every_operation = {operation.ok().label for operation in schema.get_all_operations()}
    if fuzzed == every_operation:
        total = sum(sent.values())
        print(f"\nschemathesis sent {total} generated requests: {dict(sent)}")  # noqa: T201
        assert total >= MINIMUM_REQUESTS
        assert sent["site"] > 0
        assert sent["moderator"] > 0


# Ids of rows the `keys` fixture made, by path parameter: a random id almost never names one.
known_ids: dict[str, list[int]] = {}
known_slugs: list[str] = []  # the site's slug, for the paths under /sites/<slug>


@pytest.fixture
def keys(pg_app: Flask) -> dict[str, str]:
    """A site, a moderator of it, a few comments, a webhook endpoint and a delivery (of the
    moderator's decision on one of the comments) for the fuzzer to find."""
    site = create_site()
    # An admin, so that changes of the site's policy and articles are answered, not refused.
    moderator = create_moderator(site.site, role=SiteRole.ADMIN)
    comments = [
        create_comment(site.site, status=status)
        for status in [CommentStatus.PENDING, CommentStatus.QUEUED, CommentStatus.APPROVED] * 3
    ]
    endpoint = create_endpoint(site.site)
    decided = pg_app.test_client().post(
        f"/api/v1/moderation/comments/{comments[0].id}/approve", headers=bearer(moderator.token)
    )
    assert decided.status_code == 200
    known_ids.update(
        comment_id=[comment.id for comment in comments],
        endpoint_id=[endpoint.endpoint.id],
        delivery_id=list(db.session.scalars(select(WebhookDelivery.id))),
        version=[1],
    )
    known_slugs[:] = [site.site.slug]
    return {"site": site.api_key, "moderator": moderator.token}


def served_description() -> dict[str, Any]:
    """The description as an app serves it. Building it needs the routes only, so an app
    with no database serves: schemathesis collects one test per operation at import time
    (its fixture-based loader, `schemathesis.pytest.from_fixture`, reads a pytest internal
    that pytest 9.2 removed)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "BROKER_URL": "memory://"})
    return app.test_client().get("/api/v1/openapi.json").get_json()  # type: ignore[no-any-return]


DESCRIPTION = served_description()
# Only the /api routes: the probes' 503 is their answer when no worker runs, as here.
schema = schemathesis.openapi.from_dict(DESCRIPTION).include(path_regex="^/api/")
# No undeclared query parameters: the API ignores them by contract (cache-busters, tracking),
# which OpenAPI has no way to say for a list of parameters. This also stops schemathesis
# adding unknown fields to bodies; the description says those are refused
# (`additionalProperties: false`), and the tests below check that they are.
schema.config.generation.update(allow_extra_parameters=False)
# Refusals by size are refusals too: a body over 64 KiB (413), a URL over 4 KiB (414).
negative = schema.config.checks.negative_data_rejection
negative.expected_statuses = [*negative.expected_statuses, "413", "414", "431"]
# Failures show the values sent: the keys and data here are the test's own.
schema.config.output.sanitization.update(enabled=False)


@schema.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but those where the API follows its documented contract in ways a
    schema cannot say."""
    if isinstance(failure, RejectedPositiveData) and response.status_code in {412, 422}:
        error = json.loads(response.content)["error"]
        return not (refused_for_state(error) or refused_by_a_rule_in_words(error))
    if isinstance(failure, AcceptedNegativeData) and response.status_code < 300:
        return not accepted_after_trimming(failure)
    return True


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Half the time, the ids of the path name rows that exist, so that the answers of found
    rows (a thread, an undo, a redelivery) are checked too."""
    if not path_parameters:  # an operation without any
        return st.just(path_parameters)
    return st.booleans().map(
        lambda existing: with_known_ids(path_parameters) if existing else path_parameters
    )


def with_known_ids(path_parameters: dict[str, Any]) -> dict[str, Any]:
    """Each valid id (a schema-violating one stays as it is) replaced by a known one, chosen
    by its value so that a failing example replays the same; a site's slug by the known
    site's."""
    return {
        name: known_ids[name][value % len(known_ids[name])]
        if known_ids.get(name) and type(value) is int and 1 <= value <= INTEGER_MAX
        else known_slugs[0]
        if name == "slug" and known_slugs and isinstance(value, str) and value
        else value
        for name, value in path_parameters.items()
    }


# Refusals of well-formed values for what the server holds: an If-Match naming another
# version, an Idempotency-Key used before with another body, a cursor its listing did not make
# (an opaque token: any string, to a schema), a parent_id naming no comment of the article.
STATE_CODES = {"precondition_failed", "idempotency_key_reused"}
STATE_FIELDS = [{"cursor"}, {"parent_id"}]


def refused_for_state(error: dict[str, Any]) -> bool:
    """Whether a valid request was refused for the state of things, not for its shape."""
    return error["code"] in STATE_CODES or set(error["fields"]) in STATE_FIELDS


# Rules the description can state only in words (a field's description): across query
# parameters, which JSON Schema cannot relate (one of `email` and `ip`; `min_score` at most
# `max_score`, also in a bulk decision's filter), what a webhook URL must be beyond the
# syntax of URLs (a public address; a real IP address in brackets; a port up to 65535), and a
# policy's approve threshold at most its reject threshold.
RULES_IN_WORDS = {
    ("email", "Give either email or ip."),
    ("min_score", "Must not be above max_score."),
    ("filter", "Must not be above max_score."),
    ("url", "Deliveries to non-public addresses are not allowed."),
    ("url", UNREACHABLE_URL),
    ("auto_approve_below", "Must not be greater than auto_reject_above."),
}


def refused_by_a_rule_in_words(error: dict[str, Any]) -> bool:
    """Whether a valid-looking request broke one of RULES_IN_WORDS, and only that."""
    return bool(error["fields"]) and set(error["fields"].items()) <= RULES_IN_WORDS


def accepted_after_trimming(failure: Any) -> bool:
    """Lengths are counted after trimming (docs/api.md): a value over `maxLength` only by its
    surrounding white space is accepted. The description bounds the untrimmed value, which is
    stricter, so a client within it is never refused."""
    return "violates `maxLength`" in failure.message


def test_the_fuzzed_description_is_the_one_served(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").get_json() == DESCRIPTION


@pytest.mark.parametrize(
    ("kind", "path", "body", "component"),
    [
        ("site", "/api/v1/comments", comment_payload(nickname="x"), "CommentCreate"),
        ("moderator", "/api/v1/moderation/comments/{id}/reject", {"reason": "spam", "nickname": 1},
         "Rejection"),
    ],
)  # fmt: skip
def test_unknown_body_fields_are_refused_as_described(
    pg_app: Flask, keys: dict[str, str], kind: str, path: str, body: Any, component: str
) -> None:
    assert DESCRIPTION["components"]["schemas"][component]["additionalProperties"] is False
    comment = create_comment(db.session.scalars(select(Site)).one(), status=CommentStatus.PENDING)
    response = pg_app.test_client().post(
        path.format(id=comment.id), json=body, headers=bearer(keys[kind])
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"nickname"}


def kind_for(case: Any) -> str | None:
    """A kind of key the operation takes; where it takes both, each in turn."""
    kinds = [SCHEMES[name] for entry in case.operation.definition.raw.get("security", [])
             for name in entry]  # fmt: skip
    return kinds[next(turns) % len(kinds)] if kinds else None


@schema.parametrize()
@fuzz_settings(EXAMPLES_PER_OPERATION)
def test_every_answer_conforms_to_the_openapi_description(
    case: Any, pg_app: Flask, keys: dict[str, str]
) -> None:
    kind = kind_for(case)
    headers = {"Authorization": f"Bearer {keys[kind]}"} if kind else {}
    sent[kind or "anyone"] += 1
    fuzzed.add(case.operation.label)
    # Every request goes to this test's app, also those that checks send on their own (the
    # same request without its key, for one); the description was loaded from a dict.
    case.operation.schema.app = pg_app
    case.call_and_validate(headers=headers, app=pg_app)
