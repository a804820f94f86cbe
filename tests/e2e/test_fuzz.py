"""Fuzzing every route of the URL map: no request, however odd, gets a 5xx, and every 4xx is
the one error shape.

Runs on PostgreSQL only: it is the stricter backend (no NUL or lone surrogate in text, 32-bit
integers), and running both would double the suite's longest test.
"""

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings

from models import CommentStatus
from tests.support.factories import create_comment, create_moderator, create_site
from tests.support.fuzzing import FuzzRequest, Known, fuzzable_routes, requests_for

MINIMUM_EXAMPLES = 2_000  # in all, shared among the routes (16 today, /static included)


def test_no_request_to_any_route_gets_a_5xx_and_every_4xx_is_the_error_shape(
    pg_app: Flask,
) -> None:
    site = create_site()
    moderator = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    known = Known(site.api_key, moderator.token, comment.id)
    client = pg_app.test_client()
    routes = fuzzable_routes(list(pg_app.url_map.iter_rules()))
    per_route = -(-MINIMUM_EXAMPLES // len(routes))  # rounded up
    sent = sum(
        fuzz_route(client, requests_for(rule, method, known), per_route) for rule, method in routes
    )
    assert sent >= MINIMUM_EXAMPLES


def fuzz_route(client: FlaskClient, strategy: Any, examples: int) -> int:
    """Send `examples` requests drawn from `strategy`; return how many were sent."""
    sent = 0

    @settings(
        max_examples=examples,
        deadline=None,  # timings on a shared machine are noise
        database=None,  # nothing to replay between runs: each run explores afresh
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=strategy)
    def check(request: FuzzRequest) -> None:
        nonlocal sent
        sent += 1
        response = client.open(
            request.path,
            method=request.method,
            query_string=request.query,
            headers=request.headers,
            data=request.body,
        )
        assert_answer_is_acceptable(response)

    check()
    return sent


def assert_answer_is_acceptable(response: Any) -> None:
    """No 5xx; a 4xx is JSON in the error shape."""
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.is_json, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert isinstance(error["code"], str)
        assert error["code"]
        assert isinstance(error["message"], str)
        assert isinstance(error["fields"], dict)
