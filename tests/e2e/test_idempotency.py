"""Idempotency-Key on POST /api/v1/comments: a retry gets the first answer and stores nothing,
on PostgreSQL + Redis and on the embedded SQLite default."""

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from models import Comment, CommentStatus, IdempotencyKey, utcnow
from service.extensions import db
from tests.support.factories import bearer, comment_payload, create_moderator, create_site


def post(client: FlaskClient, api_key: str, key: str | None, **payload: object) -> TestResponse:
    headers = bearer(api_key) | ({"Idempotency-Key": key} if key is not None else {})
    return client.post("/api/v1/comments", json=comment_payload(**payload), headers=headers)


def stored_comments() -> int:
    return db.session.scalar(select(func.count()).select_from(Comment)) or 0


def test_a_retry_with_the_same_key_gets_the_first_answer_and_stores_nothing(
    client: FlaskClient,
) -> None:
    site = create_site()
    first = post(client, site.api_key, "order-42/attempt")
    again = post(client, site.api_key, "order-42/attempt")
    assert first.status_code == again.status_code == 202
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert stored_comments() == 1


def test_the_first_answer_is_replayed_even_after_the_comment_was_decided(
    client: FlaskClient,
) -> None:
    site = create_site()
    moderator = create_moderator(site.site)
    first = post(client, site.api_key, "k1")
    comment_url = first.headers["Location"]
    approved = client.post(
        f"/api/v1/moderation/comments/{first.get_json()['id']}/approve",
        json={}, headers=bearer(moderator.token),
    )  # fmt: skip
    assert approved.status_code == 200
    again = post(client, site.api_key, "k1")
    assert again.get_json() == first.get_json()
    assert again.get_json()["status"] == CommentStatus.QUEUED
    assert again.headers["ETag"] == first.headers["ETag"]
    assert client.get(comment_url, headers=bearer(site.api_key)).get_json()["status"] == (
        CommentStatus.APPROVED
    )


def test_the_same_key_with_another_body_is_a_422_and_stores_nothing(client: FlaskClient) -> None:
    site = create_site()
    post(client, site.api_key, "k1", body="Primo commento.")
    reused = post(client, site.api_key, "k1", body="Un commento diverso.")
    assert reused.status_code == 422
    error = reused.get_json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert set(error["fields"]) == {"Idempotency-Key"}
    assert stored_comments() == 1


def test_keys_belong_to_their_site(client: FlaskClient) -> None:
    one, other = create_site(), create_site()
    first = post(client, one.api_key, "shared-key")
    second = post(client, other.api_key, "shared-key")
    assert first.status_code == second.status_code == 202
    assert first.get_json()["id"] != second.get_json()["id"]
    assert second.get_json()["site"] == other.site.slug
    assert stored_comments() == 2


def test_an_expired_key_may_be_used_again(client: FlaskClient) -> None:
    site = create_site()
    first = post(client, site.api_key, "k1", body="Ieri.")
    ttl = client.application.config["IDEMPOTENCY_TTL_SECONDS"]
    db.session.execute(
        update(IdempotencyKey).values(created_at=utcnow() - timedelta(seconds=ttl + 60))
    )
    db.session.commit()
    second = post(client, site.api_key, "k1", body="Oggi, con la stessa chiave.")
    assert second.status_code == 202
    assert second.get_json()["id"] != first.get_json()["id"]
    assert post(client, site.api_key, "k1", body="Oggi, con la stessa chiave.").get_json() == (
        second.get_json()
    )
    assert stored_comments() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "caffè", "tab\there"])
def test_a_bad_key_is_a_422_naming_the_header(client: FlaskClient, key: str) -> None:
    site = create_site()
    response = post(client, site.api_key, key)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"Idempotency-Key"}
    assert stored_comments() == 0


def test_keys_of_255_printable_characters_are_accepted(client: FlaskClient) -> None:
    site = create_site()
    key = ("a-Z 0~!" * 40)[:255]
    assert post(client, site.api_key, key).status_code == 202
    assert post(client, site.api_key, key).status_code == 202
    assert stored_comments() == 1


def test_without_a_key_every_submission_is_a_new_comment(client: FlaskClient) -> None:
    site = create_site()
    post(client, site.api_key, None)
    post(client, site.api_key, None)
    assert stored_comments() == 2
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
