"""The site API for webhooks: endpoints, deliveries and redelivery, in the API's error shape."""

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from models import WebhookEvent
from service.webhooks.delivery import deliver_due
from tests.support.factories import (
    bearer,
    create_comment,
    create_moderator,
    create_site,
)
from tests.support.receiver import Answer, Receiver, running_receiver

DECIDED = WebhookEvent.COMMENT_DECIDED


@pytest.fixture
def receiver(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)
    with running_receiver() as running:
        yield running


def add(client: FlaskClient, key: str, **body: object) -> TestResponse:
    document = {"url": "https://hooks.example.com/moderato", "events": [DECIDED], **body}
    return client.post("/api/v1/webhooks", json=document, headers=bearer(key))


def test_a_site_adds_an_endpoint_and_sees_its_secret_only_once(client: FlaskClient) -> None:
    site = create_site()
    created = add(client, site.api_key, events=[DECIDED, WebhookEvent.COMMENT_LEFT_REVIEW])
    assert created.status_code == 201
    body = created.get_json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == [DECIDED, WebhookEvent.COMMENT_LEFT_REVIEW]
    assert created.headers["Location"] == f"/api/v1/webhooks/{body['id']}"
    fetched = client.get(created.headers["Location"], headers=bearer(site.api_key)).get_json()
    listed = client.get("/api/v1/webhooks", headers=bearer(site.api_key)).get_json()["items"]
    assert "secret" not in fetched
    assert [item["id"] for item in listed] == [body["id"]]
    assert "secret" not in listed[0]


def test_a_secret_of_the_site_s_own_is_kept(client: FlaskClient) -> None:
    site = create_site()
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    assert add(client, site.api_key, secret=secret).get_json()["secret"] == secret


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "not a url"}, "url"),
        ({"url": "https://127.0.0.1/hooks"}, "url"),
        ({"url": "https://[edb:FaCdF06A4eD1]/hooks"}, "url"),  # was a 500 (schemathesis)
        ({"url": "https://example.org:65536/hooks"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["comment.created"]}, "events"),
        ({"secret": "whsec_tooshort"}, "secret"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_endpoints_are_a_422_naming_the_field(
    client: FlaskClient, body: dict, field: str
) -> None:
    site = create_site()
    response = add(client, site.api_key, **body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"]


def test_another_site_s_endpoint_is_a_404_and_a_moderator_is_forbidden(
    client: FlaskClient,
) -> None:
    mine, theirs = create_site(), create_site()
    endpoint_id = add(client, theirs.api_key).get_json()["id"]
    for method, path in [
        ("get", f"/api/v1/webhooks/{endpoint_id}"),
        ("delete", f"/api/v1/webhooks/{endpoint_id}"),
        ("get", f"/api/v1/webhooks/{endpoint_id}/deliveries"),
    ]:
        response = getattr(client, method)(path, headers=bearer(mine.api_key))
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    token = create_moderator(theirs.site).token
    assert client.get("/api/v1/webhooks", headers=bearer(token)).status_code == 403


def test_an_endpoint_is_removed_with_a_204(client: FlaskClient) -> None:
    site = create_site()
    location = add(client, site.api_key).headers["Location"]
    assert client.delete(location, headers=bearer(site.api_key)).status_code == 204
    assert client.get(location, headers=bearer(site.api_key)).status_code == 404


def test_an_endpoint_id_no_row_can_have_is_a_404_for_every_method(client: FlaskClient) -> None:
    key = create_site().api_key
    for method in ["get", "delete"]:
        response = getattr(client, method)("/api/v1/webhooks/2147483648", headers=bearer(key))
        assert response.status_code == 404, method  # was a 405 for DELETE


def test_deliveries_are_listed_and_one_is_redelivered(
    client: FlaskClient, receiver: Receiver
) -> None:
    site = create_site(moderation_mode="pre")
    alice = create_moderator(site.site, name="alice")
    endpoint_id = add(client, site.api_key, url=receiver.url).get_json()["id"]
    comment = create_comment(site.site, status="pending")
    approved = client.post(
        f"/api/v1/moderation/comments/{comment.id}/approve", headers=bearer(alice.token)
    )
    assert approved.status_code == 200
    receiver.answer_next(Answer(status=500))
    deliver_due(endpoint_id)
    path = f"/api/v1/webhooks/{endpoint_id}/deliveries"
    [failed_once] = client.get(path, headers=bearer(site.api_key)).get_json()["items"]
    assert (failed_once["status"], failed_once["attempts"]) == ("pending", 1)
    assert (failed_once["last_status_code"], failed_once["last_error"]) == (500, "http_status")
    assert failed_once["next_attempt_at"] is not None
    assert failed_once["payload"]["data"]["actor"] == {
        "kind": "moderator", "id": alice.moderator.id, "name": "alice",
    }  # fmt: skip
    again = client.post(
        f"{path}/{failed_once['id']}/redeliver", headers=bearer(site.api_key)
    ).get_json()
    assert (again["redelivery_of"], again["message_id"]) == (
        failed_once["id"],
        failed_once["message_id"],
    )
    pending = client.get(f"{path}?status=pending&limit=1", headers=bearer(site.api_key)).get_json()
    assert [item["id"] for item in pending["items"]] == [again["id"]]
    rest = client.get(
        f"{path}?status=pending&limit=1&cursor={pending['next_cursor']}",
        headers=bearer(site.api_key),
    ).get_json()
    assert [item["id"] for item in rest["items"]] == [failed_once["id"]]
    assert rest["next_cursor"] is None
    assert client.get(f"{path}?status=lost", headers=bearer(site.api_key)).status_code == 422


def test_a_delivery_is_redelivered_only_through_its_own_endpoint(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    first = add(client, site.api_key).get_json()["id"]
    second = add(client, site.api_key).get_json()["id"]
    comment = create_comment(site.site, status="pending")
    client.post(f"/api/v1/moderation/comments/{comment.id}/approve", headers=bearer(alice.token))
    path = f"/api/v1/webhooks/{first}/deliveries"
    [delivery] = client.get(path, headers=bearer(site.api_key)).get_json()["items"]
    elsewhere = f"/api/v1/webhooks/{second}/deliveries/{delivery['id']}/redeliver"
    assert client.post(elsewhere, headers=bearer(site.api_key)).status_code == 404
    own = f"{path}/{delivery['id']}/redeliver"
    assert client.post(own, headers=bearer(site.api_key)).status_code == 202
