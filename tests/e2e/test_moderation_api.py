"""The moderator-facing API, on PostgreSQL + Redis and on the embedded SQLite default."""

import pytest
from flask.testing import FlaskClient

from classifier import KeywordClassifier
from models import CommentStatus
from service.extensions import db
from service.learning.classifiers import StaticClassifiers
from service.moderation import classify as classification
from tests.support.factories import bearer, create_comment, create_moderator, create_site


def queue(client: FlaskClient, token: str, **query: object) -> dict:
    response = client.get("/api/v1/moderation/queue", query_string=query, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_queue_lists_pending_comments_of_the_moderators_sites(client: FlaskClient) -> None:
    site_a, site_b = create_site(), create_site()
    alice = create_moderator(site_a.site)
    mine = create_comment(site_a.site, status=CommentStatus.PENDING)
    create_comment(site_a.site, status=CommentStatus.APPROVED)
    create_comment(site_b.site, status=CommentStatus.PENDING)
    items = queue(client, alice.token)["items"]
    assert [item["id"] for item in items] == [mine.id]
    assert "author_email" in items[0]  # moderators see private fields in the queue


def test_a_queue_page_is_utf8_json_with_every_field(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    create_comment(
        site.site, status=CommentStatus.PENDING, body="Più piste ciclabili, è ora",
        explanation={"spam": [{"feature": "word: ora", "weight": 0.25}], "ham": []},
    )  # fmt: skip
    response = client.get("/api/v1/moderation/queue", headers=bearer(alice.token))
    assert response.mimetype == "application/json"
    assert "Più piste ciclabili, è ora".encode() in response.data
    (item,) = response.get_json()["items"]
    assert item["explanation"] == {"spam": [{"feature": "word: ora", "weight": 0.25}], "ham": []}
    assert item["created_at"].endswith("+00:00")


def test_moderators_see_private_fields(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(
        site.site, status=CommentStatus.PENDING, author_email="x@example.org", author_ip="10.0.0.1"
    )
    body = client.get(f"/api/v1/comments/{comment.id}", headers=bearer(alice.token)).get_json()
    assert body["author_email"] == "x@example.org"
    assert body["author_ip"] == "10.0.0.1"


def test_queue_filters_by_status_article_and_site(client: FlaskClient) -> None:
    site_a, site_b = create_site(), create_site()
    bob = create_moderator([site_a.site, site_b.site])
    in_a = create_comment(site_a.site, status=CommentStatus.PENDING, article_id="x")
    in_b = create_comment(site_b.site, status=CommentStatus.PENDING, article_id="y")
    rejected = create_comment(site_a.site, status=CommentStatus.REJECTED, article_id="x")
    assert {i["id"] for i in queue(client, bob.token)["items"]} == {in_a.id, in_b.id}
    assert [i["id"] for i in queue(client, bob.token, site=site_b.site.slug)["items"]] == [in_b.id]
    assert [i["id"] for i in queue(client, bob.token, article_id="x")["items"]] == [in_a.id]
    assert [i["id"] for i in queue(client, bob.token, status="rejected")["items"]] == [rejected.id]


def test_a_moderator_cannot_filter_on_a_site_they_do_not_moderate(client: FlaskClient) -> None:
    site_a, site_b = create_site(), create_site()
    alice = create_moderator(site_a.site)
    response = client.get(
        "/api/v1/moderation/queue",
        query_string={"site": site_b.site.slug},
        headers=bearer(alice.token),
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_queue_orders_and_paginates(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    scores = [0.3, 0.7, 0.5, 0.7, 0.4]
    ids = [create_comment(site.site, status=CommentStatus.PENDING, spam_score=s).id for s in scores]
    assert [i["id"] for i in queue(client, alice.token, order="newest")["items"]] == ids[::-1]
    collected, cursor = [], None
    while True:
        page = queue(
            client, alice.token, order="score", limit=2, **({"cursor": cursor} if cursor else {})
        )
        collected += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert collected == [ids[1], ids[3], ids[2], ids[4], ids[0]]


def all_pages(client: FlaskClient, token: str, **query: object) -> list[list[int]]:
    """The ids of every page of a queue listing, following the cursors."""
    pages, cursor = [], None
    while True:
        page = queue(client, token, **query, **({"cursor": cursor} if cursor else {}))
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
        if not cursor:
            return pages


@pytest.mark.parametrize("order", ["oldest", "newest", "score"])
def test_a_moderator_of_several_sites_gets_one_ordered_listing_across_them(
    client: FlaskClient, order: str
) -> None:
    site_a, site_b, site_c = create_site(), create_site(), create_site()
    carla = create_moderator([site_a.site, site_c.site])
    # Interleaved across the sites, with score ties across sites and unscored comments.
    scores = [0.5, 0.9, None, 0.5, 0.2, 0.9, None, 0.7, 0.5, 0.1, 0.7]
    sites = [site_a.site, site_c.site]
    mine = [
        create_comment(sites[n % 2], status=CommentStatus.PENDING, spam_score=score)
        for n, score in enumerate(scores)
    ]
    create_comment(site_b.site, status=CommentStatus.PENDING, spam_score=0.95)
    create_comment(site_a.site, status=CommentStatus.APPROVED, spam_score=0.99)
    expected = {
        "oldest": sorted(mine, key=lambda c: c.id),
        "newest": sorted(mine, key=lambda c: -c.id),
        "score": sorted(mine, key=lambda c: (-(c.spam_score or -1.0), c.id)),
    }[order]
    pages = all_pages(client, carla.token, order=order, limit=3)
    assert [len(page) for page in pages] == [3, 3, 3, 2]
    assert [i for page in pages for i in page] == [c.id for c in expected]


def test_a_moderator_whose_sites_were_all_deleted_gets_an_empty_queue(
    client: FlaskClient,
) -> None:
    site = create_site()
    dora = create_moderator(site.site)
    create_comment(site.site, status=CommentStatus.PENDING)
    db.session.delete(site.site)
    db.session.commit()
    assert queue(client, dora.token) == {"items": [], "next_cursor": None}


def test_approve_publishes_and_is_audited(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site, name="alice")
    comment = create_comment(site.site, status=CommentStatus.PENDING, spam_score=0.5)
    response = client.post(
        f"/api/v1/moderation/comments/{comment.id}/approve",
        json={"note": "fine"},
        headers=bearer(alice.token),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["decided_by"], body["version"]) == ("approved", "alice", 2)
    assert body["decided_at"] is not None
    history = client.get(
        f"/api/v1/moderation/comments/{comment.id}/history", headers=bearer(alice.token)
    ).get_json()["items"]
    assert len(history) == 1
    event = history[0]
    assert (event["actor"], event["from_status"], event["to_status"]) == (
        "alice",
        "pending",
        "approved",
    )
    assert event["note"] == "fine"
    assert event["score"] == 0.5
    assert event["created_at"]
    listing = client.get(
        f"/api/v1/articles/{comment.article_id}/comments", headers=bearer(site.api_key)
    ).get_json()
    assert [item["id"] for item in listing["items"]] == [comment.id]


def test_approve_needs_no_body(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    response = client.post(
        f"/api/v1/moderation/comments/{comment.id}/approve", headers=bearer(alice.token)
    )
    assert response.status_code == 200


def test_reject_requires_a_reason_and_records_it(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site, name="alice")
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    url = f"/api/v1/moderation/comments/{comment.id}/reject"
    missing = client.post(url, json={"note": "no"}, headers=bearer(alice.token))
    assert missing.status_code == 422
    assert "reason" in missing.get_json()["error"]["fields"]
    response = client.post(
        url, json={"reason": "abuse", "note": "insults"}, headers=bearer(alice.token)
    )
    assert response.status_code == 200
    assert response.get_json()["decision_reason"] == "abuse"
    event = client.get(
        f"/api/v1/moderation/comments/{comment.id}/history", headers=bearer(alice.token)
    ).get_json()["items"][-1]
    assert (event["reason"], event["note"], event["to_status"]) == ("abuse", "insults", "rejected")


def test_approving_an_approved_comment_is_a_recorded_confirmation(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site, name="alice")
    comment = create_comment(
        site.site,
        status=CommentStatus.APPROVED,
        decided_by="classifier",
        decided_by_kind="classifier",
    )
    response = client.post(
        f"/api/v1/moderation/comments/{comment.id}/approve",
        json={"note": "looks fine"},
        headers=bearer(alice.token) | {"If-Match": f'"{comment.id}-1"'},
    )
    assert response.status_code == 200
    assert (response.get_json()["decided_by"], response.headers["ETag"]) == (
        "alice",
        f'"{comment.id}-2"',
    )
    [event] = client.get(
        f"/api/v1/moderation/comments/{comment.id}/history", headers=bearer(alice.token)
    ).get_json()["items"]
    assert (event["from_status"], event["to_status"], event["actor"], event["note"]) == (
        "approved",
        "approved",
        "alice",
        "looks fine",
    )


def test_a_stale_if_match_gets_412_and_a_fresh_one_succeeds(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    etag = client.get(f"/api/v1/comments/{comment.id}", headers=bearer(alice.token)).headers["ETag"]
    url = f"/api/v1/moderation/comments/{comment.id}"
    first = client.post(
        f"{url}/reject", json={"reason": "spam"}, headers=bearer(alice.token) | {"If-Match": etag}
    )
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    stale = client.post(f"{url}/approve", headers=bearer(alice.token) | {"If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["error"]["code"] == "precondition_failed"
    fresh = client.post(
        f"{url}/approve", headers=bearer(alice.token) | {"If-Match": first.headers["ETag"]}
    )
    assert fresh.status_code == 200


def test_a_queued_comment_may_be_decided_and_the_classifier_does_not_override_it(
    client: FlaskClient,
) -> None:
    site = create_site()
    alice = create_moderator(site.site, name="alice")
    comment = create_comment(site.site, body="casino viagra bitcoin free money click here")
    response = client.post(
        f"/api/v1/moderation/comments/{comment.id}/approve", headers=bearer(alice.token)
    )
    assert response.status_code == 200
    # The worker's result arrives late: it must not replace the human decision.
    decided = classification.classify_comments([comment.id], StaticClassifiers(KeywordClassifier()))
    assert decided == []
    body = client.get(f"/api/v1/comments/{comment.id}", headers=bearer(alice.token)).get_json()
    assert (body["status"], body["decided_by"], body["spam_score"]) == ("approved", "alice", None)
    history = client.get(
        f"/api/v1/moderation/comments/{comment.id}/history", headers=bearer(alice.token)
    ).get_json()["items"]
    assert [e["actor"] for e in history] == ["alice"]


def test_site_as_moderator_cannot_see_or_decide_site_bs_comments(client: FlaskClient) -> None:
    site_a, site_b = create_site(), create_site()
    alice = create_moderator(site_a.site)
    theirs = create_comment(site_b.site, status=CommentStatus.PENDING)
    base = f"/api/v1/moderation/comments/{theirs.id}"
    assert (
        client.get(f"/api/v1/comments/{theirs.id}", headers=bearer(alice.token)).status_code == 404
    )
    assert client.post(f"{base}/approve", headers=bearer(alice.token)).status_code == 404
    assert (
        client.post(
            f"{base}/reject", json={"reason": "spam"}, headers=bearer(alice.token)
        ).status_code
        == 404
    )
    assert client.get(f"{base}/history", headers=bearer(alice.token)).status_code == 404
    assert queue(client, alice.token)["items"] == []
    assert (
        client.get(f"/api/v1/comments/{theirs.id}", headers=bearer(site_b.api_key)).get_json()[
            "status"
        ]
        == "pending"
    )


def test_site_keys_cannot_use_moderator_endpoints(client: FlaskClient) -> None:
    site = create_site()
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    for method, url in [
        ("get", "/api/v1/moderation/queue"),
        ("post", f"/api/v1/moderation/comments/{comment.id}/approve"),
        ("get", f"/api/v1/moderation/comments/{comment.id}/history"),
    ]:
        response = getattr(client, method)(url, headers=bearer(site.api_key))
        assert response.status_code == 403, url
        assert response.get_json()["error"]["code"] == "forbidden"
