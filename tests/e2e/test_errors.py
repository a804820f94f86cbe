"""Every error status of the contract, in the one JSON shape."""

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from models import CommentStatus
from service import create_app
from tests.support.backends import app_config, dispose_app
from tests.support.factories import (
    bearer,
    comment_payload,
    create_comment,
    create_moderator,
    create_site,
)


def assert_error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


def test_400_malformed_json(client: FlaskClient) -> None:
    site = create_site()
    response = client.post(
        "/api/v1/comments",
        data='{"article_id": "a", "body": ',
        content_type="application/json",
        headers=bearer(site.api_key),
    )
    assert_error(response, 400, "malformed_json")


def test_401_without_a_key(client: FlaskClient) -> None:
    response = client.post("/api/v1/comments", json=comment_payload())
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("key", ["sk_unknown", "mk_unknown", "nonsense", ""])
def test_401_with_an_unknown_key(client: FlaskClient, key: str) -> None:
    assert_error(client.get("/api/v1/moderation/queue", headers=bearer(key)), 401, "unauthorized")


def test_401_with_another_scheme(client: FlaskClient) -> None:
    site = create_site()
    response = client.get(
        "/api/v1/articles/a/comments", headers={"Authorization": f"Basic {site.api_key}"}
    )
    assert_error(response, 401, "unauthorized")


def test_403_moderator_token_on_a_site_endpoint(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    response = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(alice.token))
    assert_error(response, 403, "forbidden")


def test_404_unknown_comment_and_unknown_route(client: FlaskClient) -> None:
    site = create_site()
    assert_error(
        client.get("/api/v1/comments/999999", headers=bearer(site.api_key)), 404, "not_found"
    )
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_405_wrong_method(client: FlaskClient) -> None:
    response = client.delete("/api/v1/comments")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_409_invalid_transition(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    response = client.post(
        f"/api/v1/moderation/comments/{comment.id}/reverse",
        json={"reason": "spam"},
        headers=bearer(alice.token),
    )
    assert_error(response, 409, "invalid_transition")


def test_409_undo_unavailable(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    response = client.post(
        f"/api/v1/moderation/comments/{comment.id}/undo", headers=bearer(alice.token)
    )
    assert_error(response, 409, "undo_unavailable")


def test_412_stale_if_match(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    response = client.post(
        f"/api/v1/moderation/comments/{comment.id}/approve",
        headers=bearer(alice.token) | {"If-Match": f'"{comment.id}-0"'},
    )
    assert_error(response, 412, "precondition_failed")


def test_413_body_over_64_kib(client: FlaskClient) -> None:
    site = create_site()
    response = client.post(
        "/api/v1/comments",
        json=comment_payload(body="x" * (65 * 1024)),
        headers=bearer(site.api_key),
    )
    assert_error(response, 413, "payload_too_large")


def test_415_not_json(client: FlaskClient) -> None:
    site = create_site()
    response = client.post(
        "/api/v1/comments",
        data="article_id=a&author_name=b&body=c",
        content_type="application/x-www-form-urlencoded",
        headers=bearer(site.api_key),
    )
    assert_error(response, 415, "unsupported_media_type")


def test_422_one_message_per_field(client: FlaskClient) -> None:
    site = create_site()
    response = client.post(
        "/api/v1/comments",
        json=comment_payload(body="", author_email="nope", surprise=1),
        headers=bearer(site.api_key),
    )
    fields = assert_error(response, 422, "validation_failed")["fields"]
    assert set(fields) == {"body", "author_email", "surprise"}
    assert all(isinstance(message, str) for message in fields.values())


def test_422_a_json_array_is_not_a_comment(client: FlaskClient) -> None:
    site = create_site()
    response = client.post("/api/v1/comments", json=[1, 2], headers=bearer(site.api_key))
    assert_error(response, 422, "validation_failed")


def test_422_bad_pagination(client: FlaskClient) -> None:
    site = create_site()
    for query in ({"limit": 101}, {"limit": "ten"}, {"cursor": "garbage"}):
        response = client.get(
            "/api/v1/articles/a/comments", query_string=query, headers=bearer(site.api_key)
        )
        assert_error(response, 422, "validation_failed")


def test_500_never_shows_internal_text(tmp_path: Path) -> None:
    app = create_app(app_config("sqlite", tmp_path))

    def explode() -> None:
        raise RuntimeError("secret-database-password-in-traceback")

    app.add_url_rule("/explode", view_func=explode)
    response = app.test_client().get("/explode")
    dispose_app(app)
    error = assert_error(response, 500, "internal_error")
    assert "secret" not in response.get_data(as_text=True)
    assert error["message"] == "An internal error occurred."
