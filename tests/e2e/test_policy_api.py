"""A site's policy, its versions and its articles over the API, on PostgreSQL and SQLite."""

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from models import SiteRole
from service.accounts import policies
from tests.support.factories import bearer, comment_payload, create_moderator, create_site

ARTICLE = "2026/11/nuova-ciclabile-via-roma"


@dataclass
class Newsroom:
    slug: str
    site_key: str
    admin: str
    moderator: str


@pytest.fixture
def newsroom(app: Flask) -> Newsroom:
    site = create_site("Il Quotidiano")
    admin = create_moderator(site.site, "direttrice", SiteRole.ADMIN)
    plain = create_moderator(site.site, "redattore")
    return Newsroom(site.site.slug, site.api_key, admin.token, plain.token)


def put_policy(
    client: FlaskClient, newsroom: Newsroom, document: object, token: str | None = None,
    **headers: str,
) -> TestResponse:  # fmt: skip
    return client.put(
        f"/api/v1/sites/{newsroom.slug}/policy", json=document,
        headers={**bearer(token or newsroom.admin), **headers},
    )  # fmt: skip


def test_a_moderator_reads_the_policy_with_its_version_and_etag(
    client: FlaskClient, newsroom: Newsroom
) -> None:
    response = client.get(
        f"/api/v1/sites/{newsroom.slug}/policy", headers=bearer(newsroom.moderator)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["moderation_mode"] == "post"
    assert (body["auto_approve_below"], body["auto_reject_above"]) == (0.2, 0.9)
    assert body["close_after_days"] is None
    assert (body["version"], body["updated_by"]) == (1, "operator")
    assert body["updated_at"]
    assert response.headers["ETag"] == '"policy-1"'


def test_a_site_key_and_a_stranger_cannot_read_it(client: FlaskClient, newsroom: Newsroom) -> None:
    path = f"/api/v1/sites/{newsroom.slug}/policy"
    assert client.get(path, headers=bearer(newsroom.site_key)).status_code == 403
    stranger = create_moderator(create_site().site, role=SiteRole.ADMIN)
    assert client.get(path, headers=bearer(stranger.token)).status_code == 404


def test_an_admin_replaces_the_policy_as_a_new_version(
    client: FlaskClient, newsroom: Newsroom
) -> None:
    document = {"moderation_mode": "pre", "auto_approve_below": 0.1, "auto_reject_above": 0.8,
                "close_after_days": 14}  # fmt: skip
    response = put_policy(client, newsroom, document, If_Match='"policy-1"')
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["version"], body["updated_by"], body["moderation_mode"]) == (
        2,
        "direttrice",
        "pre",
    )
    assert body["close_after_days"] == 14
    assert response.headers["ETag"] == '"policy-2"'


def test_a_plain_moderators_put_is_forbidden_and_changes_nothing(
    client: FlaskClient, newsroom: Newsroom
) -> None:
    response = put_policy(client, newsroom, {"moderation_mode": "pre"}, newsroom.moderator)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert policies.get_policy(newsroom.slug).version == 1


def test_a_stale_if_match_is_refused_with_412(client: FlaskClient, newsroom: Newsroom) -> None:
    assert put_policy(client, newsroom, {"moderation_mode": "pre"}).status_code == 200
    stale = put_policy(client, newsroom, {"close_after_days": 3}, If_Match='"policy-1"')
    assert stale.status_code == 412
    assert stale.get_json()["error"]["code"] == "precondition_failed"
    other = put_policy(client, newsroom, {"close_after_days": 3}, If_Match='"7-1"')
    assert other.status_code == 412
    assert policies.get_policy(newsroom.slug).document["close_after_days"] is None


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"moderation_mode": "maybe"}, "moderation_mode"),
        ({"auto_approve_below": -1}, "auto_approve_below"),
        ({"auto_reject_above": "0.9"}, "auto_reject_above"),
        ({"auto_approve_below": 0.95}, "auto_approve_below"),
        ({"hold_unfamiliar_below": 2}, "hold_unfamiliar_below"),
        ({"close_after_days": -3}, "close_after_days"),
        ({"max_links": 2}, "max_links"),
    ],
)
def test_each_invalid_value_is_a_422_naming_the_field_and_changes_nothing(
    client: FlaskClient, newsroom: Newsroom, document: dict, field: str
) -> None:
    response = put_policy(client, newsroom, {"moderation_mode": "pre", **document})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert list(error["fields"]) == [field]
    current = policies.get_policy(newsroom.slug)
    assert (current.version, current.document["moderation_mode"]) == (1, "post")


def test_a_policy_that_is_not_an_object_is_a_422(client: FlaskClient, newsroom: Newsroom) -> None:
    assert put_policy(client, newsroom, ["pre"]).status_code == 422


def test_history_lists_versions_with_diffs_and_restore_brings_one_back(
    client: FlaskClient, newsroom: Newsroom
) -> None:
    put_policy(client, newsroom, {"moderation_mode": "pre"})
    put_policy(client, newsroom, {"moderation_mode": "pre", "auto_reject_above": 0.7})
    base = f"/api/v1/sites/{newsroom.slug}/policy"
    history = client.get(f"{base}/versions", headers=bearer(newsroom.moderator)).get_json()
    assert [item["version"] for item in history["items"]] == [3, 2, 1]
    assert history["items"][0]["diff"] == {"auto_reject_above": {"before": 0.9, "after": 0.7}}
    assert history["items"][1]["diff"] == {"moderation_mode": {"before": "post", "after": "pre"}}
    assert history["items"][1]["created_by"] == "direttrice"

    refused = client.post(f"{base}/versions/1/restore", headers=bearer(newsroom.moderator))
    assert refused.status_code == 403
    restored = client.post(f"{base}/versions/1/restore", headers=bearer(newsroom.admin))
    assert restored.status_code == 200
    body = restored.get_json()
    assert (body["version"], body["moderation_mode"], body["auto_reject_above"]) == (4, "post", 0.9)
    missing = client.post(f"{base}/versions/99/restore", headers=bearer(newsroom.admin))
    assert missing.status_code == 404


def test_an_admin_closes_an_article_and_intake_refuses_its_comments(
    client: FlaskClient, newsroom: Newsroom
) -> None:
    path = f"/api/v1/sites/{newsroom.slug}/articles/{ARTICLE}"
    refused = client.put(path, json={"closed": True}, headers=bearer(newsroom.moderator))
    assert refused.status_code == 403
    response = client.put(path, json={"closed": True}, headers=bearer(newsroom.admin))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["article_id"], body["closed"], body["moderation_mode"]) == (ARTICLE, True, None)
    assert body["updated_by"] == "direttrice"

    comment = client.post("/api/v1/comments", json=comment_payload(article_id=ARTICLE),
                          headers=bearer(newsroom.site_key))  # fmt: skip
    assert comment.status_code == 409
    assert comment.get_json()["error"]["code"] == "article_closed"

    reopened = client.put(path, json={"closed": False, "moderation_mode": "pre"},
                          headers=bearer(newsroom.admin))  # fmt: skip
    assert reopened.get_json()["moderation_mode"] == "pre"
    again = client.post("/api/v1/comments", json=comment_payload(article_id=ARTICLE),
                        headers=bearer(newsroom.site_key))  # fmt: skip
    assert again.status_code == 202


@pytest.mark.parametrize(
    ("body", "field"),
    [({"closed": "yes"}, "closed"), ({"moderation_mode": "sometimes"}, "moderation_mode"),
     ({"archived": True}, "archived")],
)  # fmt: skip
def test_an_invalid_article_change_names_the_field(
    client: FlaskClient, newsroom: Newsroom, body: dict, field: str
) -> None:
    response = client.put(f"/api/v1/sites/{newsroom.slug}/articles/a-1", json=body,
                          headers=bearer(newsroom.admin))  # fmt: skip
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
