"""`GET /metrics` through the app: the token, and counters that move with the API's traffic."""

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import CommentStatus
from service.metrics import exposition
from tests.support.factories import bearer, comment_payload, create_comment, create_site
from tests.support.metrics import scraped

TOKEN = "e2e-metrics-token-0123456789"


@pytest.fixture
def metrics_on(app: Flask) -> Iterator[None]:
    """The app with a metrics token, as METRICS_TOKEN would configure it."""
    app.config["METRICS_TOKEN_SHA256"] = exposition.hash_token(TOKEN)
    yield
    app.config["METRICS_TOKEN_SHA256"] = None


def scrape(client: FlaskClient) -> str:
    response = client.get("/metrics", headers=bearer(TOKEN))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=0.0.4")
    return response.get_data(as_text=True)


def test_without_a_configured_token_there_is_no_metrics_route(client: FlaskClient) -> None:
    response = client.get("/metrics", headers=bearer(TOKEN))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.usefixtures("metrics_on")
@pytest.mark.parametrize(
    "headers",
    [{}, bearer("a-wrong-token-of-length"), {"Authorization": f"Basic {TOKEN}"}],
    ids=["none", "wrong", "basic"],
)
def test_a_scrape_without_the_token_is_a_401_that_shows_nothing(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert b"moderato_" not in response.data


@pytest.mark.usefixtures("metrics_on")
def test_a_site_key_is_not_a_metrics_token(client: FlaskClient) -> None:
    site = create_site()
    assert client.get("/metrics", headers=bearer(site.api_key)).status_code == 401


@pytest.mark.usefixtures("metrics_on")
def test_accepted_and_refused_submissions_are_counted_by_site_and_reason(
    client: FlaskClient,
) -> None:
    site = create_site()
    slug, headers = site.site.slug, bearer(site.api_key)
    for _ in range(2):
        response = client.post("/api/v1/comments", json=comment_payload(), headers=headers)
        assert response.status_code == 202
    invalid = client.post("/api/v1/comments", json=comment_payload(body=""), headers=headers)
    assert invalid.status_code == 422
    malformed = client.post(
        "/api/v1/comments", data=b"{", headers=headers, content_type="application/json"
    )
    assert malformed.status_code == 400
    text = scrape(client)
    assert scraped(text, "moderato_comments_accepted_total", site=slug) == 2
    refused = "moderato_comments_refused_total"
    assert scraped(text, refused, site=slug, reason="validation_failed") == 1
    assert scraped(text, refused, site=slug, reason="malformed_json") == 1


@pytest.mark.usefixtures("metrics_on")
def test_refusals_before_the_caller_is_known_have_an_empty_site(client: FlaskClient) -> None:
    refused = "moderato_comments_refused_total"
    before = scraped(scrape(client), refused, site="", reason="unauthorized") or 0
    too_large = scraped(scrape(client), refused, site="", reason="payload_too_large") or 0
    client.post("/api/v1/comments", json=comment_payload(), headers=bearer("sk_unknown"))
    client.post("/api/v1/comments", data=b"x" * (65 * 1024), content_type="application/json")
    text = scrape(client)
    assert scraped(text, refused, site="", reason="unauthorized") == before + 1
    assert scraped(text, refused, site="", reason="payload_too_large") == too_large + 1


@pytest.mark.usefixtures("metrics_on")
def test_a_moderator_decision_and_the_queue_show_in_a_scrape(client: FlaskClient) -> None:
    from tests.support.factories import create_moderator

    site = create_site()
    slug = site.site.slug
    alice = create_moderator(site.site)
    pending = create_comment(site.site, status=CommentStatus.PENDING)
    create_comment(site.site, status=CommentStatus.PENDING)
    labels = {"site": slug, "actor_kind": "moderator", "outcome": "rejected"}
    before = scraped(scrape(client), "moderato_decisions_total", **labels) or 0
    response = client.post(
        f"/api/v1/moderation/comments/{pending.id}/reject",
        json={"reason": "spam"},
        headers=bearer(alice.token),
    )
    assert response.status_code == 200
    text = scrape(client)
    assert scraped(text, "moderato_decisions_total", **labels) == before + 1
    assert scraped(text, "moderato_queue_comments", site=slug, status="pending") == 1
    assert scraped(text, "moderato_queue_comments", site=slug, status="queued") == 0
    age = scraped(text, "moderato_queue_oldest_age_seconds", site=slug, status="pending")
    assert age is not None
    assert 0 <= age < 300


@pytest.mark.usefixtures("metrics_on")
def test_a_replayed_idempotency_key_is_not_counted_again(client: FlaskClient) -> None:
    site = create_site()
    headers = bearer(site.api_key) | {"Idempotency-Key": "retry-1"}
    for _ in range(2):
        response = client.post("/api/v1/comments", json=comment_payload(), headers=headers)
        assert response.status_code == 202
    text = scrape(client)
    assert scraped(text, "moderato_comments_accepted_total", site=site.site.slug) == 1
