"""The moderator API's bulk decisions, author record, thread and dashboard, over HTTP."""

from flask.testing import FlaskClient

from models import CommentStatus
from tests.support.factories import bearer, create_comment, create_moderator, create_site


def test_bulk_by_items_reports_decided_and_conflicts(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    fresh = create_comment(site.site, status=CommentStatus.PENDING)
    changed = create_comment(site.site, status=CommentStatus.PENDING, version=2)
    response = client.post(
        "/api/v1/moderation/bulk",
        json={
            "action": "reject",
            "reason": "spam",
            "items": [{"id": fresh.id, "version": 1}, {"id": changed.id, "version": 1}],
        },
        headers=bearer(alice.token),
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "decided": 1,
        "conflicts": 1,
        "decided_ids": [fresh.id],
        "conflict_ids": [changed.id],
        "not_found_ids": [],
        "more": False,
    }


def test_bulk_by_filter(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    spam = create_comment(site.site, status=CommentStatus.PENDING, body="casino online")
    create_comment(site.site, status=CommentStatus.PENDING, body="grazie")
    response = client.post(
        "/api/v1/moderation/bulk",
        json={"action": "approve", "filter": {"q": "casino", "status": "pending"}},
        headers=bearer(alice.token),
    )
    assert response.get_json()["decided_ids"] == [spam.id]


def test_bulk_input_is_validated(client: FlaskClient) -> None:
    alice = create_moderator(create_site().site)
    for body, field in [
        ({"action": "reject", "items": [{"id": 1}]}, "reason"),
        ({"action": "approve"}, "items"),
        ({"action": "approve", "items": [{"id": 1}], "filter": {}}, "items"),
        ({"action": "approve", "filter": {"colour": "red"}}, "filter"),
        ({"action": "approve", "items": [{"id": "1"}]}, "items"),
    ]:
        response = client.post("/api/v1/moderation/bulk", json=body, headers=bearer(alice.token))
        assert response.status_code == 422, body
        assert field in response.get_json()["error"]["fields"], body


def test_author_record_and_deciding_all_their_pending_comments(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    pending = create_comment(site.site, status="pending", author_email="t@example.org")
    create_comment(site.site, status="rejected", author_email="t@example.org")
    record = client.get(
        "/api/v1/moderation/authors",
        query_string={"email": "t@example.org"},
        headers=bearer(alice.token),
    ).get_json()
    assert record["counts"] == {"queued": 0, "pending": 1, "approved": 0, "rejected": 1}
    assert record["recent"][-1]["id"] == pending.id
    assert record["recent"][0]["author_email"] == "t@example.org"
    decided = client.post(
        "/api/v1/moderation/authors/decide",
        json={"email": "t@example.org", "action": "reject", "reason": "spam"},
        headers=bearer(alice.token),
    )
    assert decided.get_json()["decided_ids"] == [pending.id]
    neither = client.get("/api/v1/moderation/authors", headers=bearer(alice.token))
    assert neither.status_code == 422


def test_thread(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    parent = create_comment(site.site, status="approved")
    reply = create_comment(site.site, status="pending", parent_id=parent.id)
    body = client.get(
        f"/api/v1/moderation/comments/{parent.id}/thread", headers=bearer(alice.token)
    ).get_json()
    assert (body["comment"]["id"], body["parent"], [r["id"] for r in body["replies"]]) == (
        parent.id,
        None,
        [reply.id],
    )
    other = create_moderator(create_site().site)
    response = client.get(
        f"/api/v1/moderation/comments/{parent.id}/thread", headers=bearer(other.token)
    )
    assert response.status_code == 404


def test_dashboard(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    create_comment(site.site, status="pending")
    body = client.get(
        "/api/v1/moderation/dashboard",
        query_string={"site": site.site.slug, "days": 7},
        headers=bearer(alice.token),
    ).get_json()
    assert (body["site"], body["queue_size"], len(body["days"])) == (site.site.slug, 1, 7)
    assert body["oldest_pending_age_seconds"] >= 0
    assert (body["decisions"], body["accuracy"], body["spam_rate"]) == ([], [], None)
    bad = client.get(
        "/api/v1/moderation/dashboard", query_string={"days": 0}, headers=bearer(alice.token)
    )
    assert bad.status_code == 422


def test_site_keys_cannot_use_the_new_moderator_endpoints(client: FlaskClient) -> None:
    site = create_site()
    for method, url in [
        ("post", "/api/v1/moderation/bulk"),
        ("get", "/api/v1/moderation/authors?ip=1.2.3.4"),
        ("post", "/api/v1/moderation/authors/decide"),
        ("get", "/api/v1/moderation/dashboard"),
        ("get", "/api/v1/moderation/queue/counts"),
    ]:
        response = getattr(client, method)(url, headers=bearer(site.api_key))
        assert response.status_code == 403, url


def test_bulk_ids_and_versions_are_json_integers(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    response = client.post(
        "/api/v1/moderation/bulk",
        json={"action": "approve", "items": [{"id": float(comment.id), "version": 1.0}]},
        headers=bearer(alice.token),
    )
    assert response.status_code == 200
    assert response.get_json()["decided_ids"] == [comment.id]
