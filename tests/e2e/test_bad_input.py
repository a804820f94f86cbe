"""Bad input a tester found answered with a 500: each now gets its 4xx, naming the field."""

import base64
import json

import pytest
from flask.testing import FlaskClient

from models import CommentStatus
from tests.support.factories import (
    bearer,
    comment_payload,
    create_comment,
    create_moderator,
    create_site,
)

TOO_BIG = [2**31, 2**63, 10**30]  # past PostgreSQL integer, past SQLite INTEGER, far past both
STRING_FIELDS = [
    "article_id", "article_url", "article_title", "author_name", "author_email", "author_url",
    "body", "user_agent", "referrer", "language",
]  # fmt: skip
CONTROL_CHARACTERS = ["\x00", "\x1b"]


def error_of(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    """The error object, after checking its status, code and shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    return error


def post_raw(client: FlaskClient, path: str, text: str, key: str):  # type: ignore[no-untyped-def]
    """POST a JSON text as it is (json.dumps writes a lone surrogate as the `\\ud800` escape)."""
    return client.post(path, data=text, content_type="application/json", headers=bearer(key))


def valid_in(field: str, bad: str) -> str:
    """A value for `field` that would be valid without `bad` in its middle."""
    if field in {"article_url", "author_url", "referrer"}:
        return f"https://example.org/a{bad}b"
    if field == "author_email":
        return f"a{bad}b@example.org"
    return f"a{bad}b"


def forged_cursor(payload: str) -> str:
    """A cursor with the payload given as JSON text (so it can hold 1e400 or NaN)."""
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def nested(depth: int) -> str:
    """A comment whose body is arrays in arrays: `depth` levels with the object around them."""
    arrays = "[" * (depth - 1) + "]" * (depth - 1)
    return json.dumps(comment_payload(body="@")).replace('"@"', arrays)


@pytest.mark.parametrize("depth", [33, 5000, 30_000])
def test_json_nested_too_deep_is_malformed(client: FlaskClient, depth: int) -> None:
    site = create_site()
    response = post_raw(client, "/api/v1/comments", nested(depth), site.api_key)
    error_of(response, 400, "malformed_json")


def test_json_nested_32_deep_is_read(client: FlaskClient) -> None:
    site = create_site()
    response = post_raw(client, "/api/v1/comments", nested(32), site.api_key)
    assert set(error_of(response, 422, "validation_failed")["fields"]) == {"body"}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_outside_the_standard_are_malformed(
    client: FlaskClient, constant: str
) -> None:
    site = create_site()
    body = json.dumps(comment_payload())[:-1] + f', "parent_id": {constant}}}'
    error_of(post_raw(client, "/api/v1/comments", body, site.api_key), 400, "malformed_json")


@pytest.mark.parametrize("field", STRING_FIELDS)
def test_a_lone_surrogate_in_any_string_field_is_refused(client: FlaskClient, field: str) -> None:
    site = create_site()
    text = json.dumps(comment_payload(**{field: valid_in(field, "\ud800")}))
    error = error_of(
        post_raw(client, "/api/v1/comments", text, site.api_key), 422, "validation_failed"
    )
    assert set(error["fields"]) == {field}


@pytest.mark.parametrize("control", CONTROL_CHARACTERS)
@pytest.mark.parametrize("field", STRING_FIELDS)
def test_a_control_character_in_any_string_field_is_refused(
    client: FlaskClient, field: str, control: str
) -> None:
    site = create_site()
    payload = comment_payload(**{field: valid_in(field, control)})
    response = client.post("/api/v1/comments", json=payload, headers=bearer(site.api_key))
    assert set(error_of(response, 422, "validation_failed")["fields"]) == {field}


def test_line_breaks_and_tabs_stay_allowed_in_a_body(client: FlaskClient) -> None:
    site = create_site()
    payload = comment_payload(body="Riga uno\r\nriga\tdue 🚲 שלום")
    response = client.post("/api/v1/comments", json=payload, headers=bearer(site.api_key))
    assert response.status_code == 202
    assert response.get_json()["body"] == "Riga uno\r\nriga\tdue 🚲 שלום"


@pytest.mark.parametrize("parent_id", [*TOO_BIG, 0, -1, -(2**31) - 1])
def test_a_parent_id_out_of_range_is_refused(client: FlaskClient, parent_id: int) -> None:
    site = create_site()
    payload = comment_payload(parent_id=parent_id)
    response = client.post("/api/v1/comments", json=payload, headers=bearer(site.api_key))
    assert set(error_of(response, 422, "validation_failed")["fields"]) == {"parent_id"}


@pytest.mark.parametrize("comment_id", [*TOO_BIG, 0])
def test_a_comment_id_out_of_range_in_a_path_is_not_found(
    client: FlaskClient, comment_id: int
) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    error_of(
        client.get(f"/api/v1/comments/{comment_id}", headers=bearer(site.api_key)), 404, "not_found"
    )
    base = f"/api/v1/moderation/comments/{comment_id}"
    moderator = bearer(alice.token)
    for response in (
        client.post(f"{base}/approve", headers=moderator),
        client.post(f"{base}/reject", json={"reason": "spam"}, headers=moderator),
        client.get(f"{base}/history", headers=moderator),
    ):
        error_of(response, 404, "not_found")


def test_the_largest_integer_id_is_an_ordinary_missing_comment(client: FlaskClient) -> None:
    site = create_site()
    response = client.get(f"/api/v1/comments/{2**31 - 1}", headers=bearer(site.api_key))
    assert error_of(response, 404, "not_found")["message"] == "No such comment."


@pytest.mark.parametrize("control", ["%00", "%01", "a%1Fb"])
def test_a_control_character_in_an_article_id_path_is_refused(
    client: FlaskClient, control: str
) -> None:
    site = create_site()
    response = client.get(f"/api/v1/articles/{control}/comments", headers=bearer(site.api_key))
    assert set(error_of(response, 422, "validation_failed")["fields"]) == {"article_id"}


@pytest.mark.parametrize(
    "payload",
    [
        '{"o":"oldest","k":[1e400]}',
        '{"o":"oldest","k":[-1e400]}',
        '{"o":"oldest","k":[NaN]}',
        '{"o":"oldest","k":[Infinity]}',
        '{"o":"oldest","k":[2147483648]}',
        '{"o":"oldest","k":[9223372036854775808]}',
        '{"o":"oldest","k":[-9223372036854775809]}',
        '{"o":"oldest","k":[1.5]}',
        '{"o":"oldest","k":' + "[" * 5000 + "]" * 5000 + "}",
    ],
)
def test_a_tampered_article_cursor_is_refused(client: FlaskClient, payload: str) -> None:
    site = create_site()
    response = client.get(
        "/api/v1/articles/a/comments",
        query_string={"cursor": forged_cursor(payload)},
        headers=bearer(site.api_key),
    )
    assert set(error_of(response, 422, "validation_failed")["fields"]) == {"cursor"}


@pytest.mark.parametrize(
    ("order", "key"),
    [
        ("score", "[1e400, 1]"),
        ("score", "[NaN, 1]"),
        ("score", "[0.5, 2147483648]"),
        ("score", "[0.5, 1e400]"),
        ("newest", "[2147483648]"),
        ("newest", "[1e400]"),
    ],
)
def test_a_tampered_queue_cursor_is_refused(client: FlaskClient, order: str, key: str) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    create_comment(site.site, status=CommentStatus.PENDING)
    response = client.get(
        "/api/v1/moderation/queue",
        query_string={"order": order, "cursor": forged_cursor(f'{{"o":"{order}","k":{key}}}')},
        headers=bearer(alice.token),
    )
    assert set(error_of(response, 422, "validation_failed")["fields"]) == {"cursor"}


@pytest.mark.parametrize("name", ["article_id", "site", "cursor", "status", "order", "limit"])
def test_a_control_character_in_a_queue_filter_is_refused(client: FlaskClient, name: str) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    response = client.get(
        "/api/v1/moderation/queue", query_string={name: "a\x00b"}, headers=bearer(alice.token)
    )
    assert set(error_of(response, 422, "validation_failed")["fields"]) == {name}


@pytest.mark.parametrize(
    "tag", ['"{id}-²"', '"{id}-١"', '""', '"{id}-' + "9" * 5000 + '"', '"{id}-"']
)
def test_an_if_match_naming_no_version_fails_the_precondition(
    client: FlaskClient, tag: str
) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    response = client.post(
        f"/api/v1/moderation/comments/{comment.id}/approve",
        headers=bearer(alice.token) | {"If-Match": tag.format(id=comment.id)},
    )
    error_of(response, 412, "precondition_failed")


@pytest.mark.parametrize("bad", ["\ud800", "\x00"])
def test_a_bad_character_in_a_decision_note_is_refused(client: FlaskClient, bad: str) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    text = json.dumps({"reason": "spam", "note": f"a{bad}b"})
    response = post_raw(
        client, f"/api/v1/moderation/comments/{comment.id}/reject", text, alice.token
    )
    assert set(error_of(response, 422, "validation_failed")["fields"]) == {"note"}
