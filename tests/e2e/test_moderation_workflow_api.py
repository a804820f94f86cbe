"""The moderator API's queue filters and counts, undo and reversal, over HTTP."""

from flask.testing import FlaskClient

from models import CommentStatus
from tests.support.factories import bearer, create_comment, create_moderator, create_site


def test_the_queue_filters_by_search_score_and_classifier_version(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    wanted = create_comment(
        site.site, status="pending", body="Pista ciclabile", spam_score=0.6, classifier_version="v2"
    )
    create_comment(site.site, status="pending", body="Pista ciclabile", spam_score=0.3)
    create_comment(site.site, status="pending", body="Altro", spam_score=0.6)
    response = client.get(
        "/api/v1/moderation/queue",
        query_string={"q": "CICLABILE", "min_score": "0.5", "classifier_version": "v2"},
        headers=bearer(alice.token),
    )
    assert [item["id"] for item in response.get_json()["items"]] == [wanted.id]


def test_an_empty_score_range_is_a_422_naming_the_field(client: FlaskClient) -> None:
    alice = create_moderator(create_site().site)
    response = client.get(
        "/api/v1/moderation/queue",
        query_string={"min_score": "0.8", "max_score": "0.2"},
        headers=bearer(alice.token),
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"min_score"}
    too_high = client.get(
        "/api/v1/moderation/queue/counts",
        query_string={"max_score": "2"},
        headers=bearer(alice.token),
    )
    assert too_high.status_code == 422
    assert set(too_high.get_json()["error"]["fields"]) == {"max_score"}


def test_counts_per_status_for_the_same_filter(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    create_comment(site.site, status="pending", body="ciclabile")
    create_comment(site.site, status="rejected", body="ciclabile")
    create_comment(site.site, status="pending", body="altro")
    response = client.get(
        "/api/v1/moderation/queue/counts",
        query_string={"q": "ciclabile"},
        headers=bearer(alice.token),
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "counts": {"queued": 0, "pending": 1, "approved": 0, "rejected": 1},
        "cap": 1_000,  # a text search counts to 1,000
        "at_least": [],
    }


def test_undo_with_the_decisions_etag_and_then_a_409(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.PENDING)
    url = f"/api/v1/moderation/comments/{comment.id}"
    decided = client.post(f"{url}/approve", headers=bearer(alice.token))
    undone = client.post(
        f"{url}/undo", headers=bearer(alice.token) | {"If-Match": decided.headers["ETag"]}
    )
    assert undone.status_code == 200
    assert undone.get_json()["status"] == "pending"
    assert undone.headers["ETag"] == f'"{comment.id}-3"'
    stale = client.post(
        f"{url}/undo", headers=bearer(alice.token) | {"If-Match": decided.headers["ETag"]}
    )
    assert stale.status_code == 412
    again = client.post(f"{url}/undo", headers=bearer(alice.token))
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "undo_unavailable"


def test_reverse_rejects_an_approved_comment_with_a_reason(client: FlaskClient) -> None:
    site = create_site()
    alice = create_moderator(site.site)
    comment = create_comment(site.site, status=CommentStatus.APPROVED)
    url = f"/api/v1/moderation/comments/{comment.id}/reverse"
    response = client.post(url, json={"reason": "abuse"}, headers=bearer(alice.token))
    assert (response.status_code, response.get_json()["status"]) == (200, "rejected")
    assert response.get_json()["decision_reason"] == "abuse"
    bad = client.post(url, json={"reason": "boring"}, headers=bearer(alice.token))
    assert bad.status_code == 422


def test_undo_and_reverse_of_another_sites_comment_are_404(client: FlaskClient) -> None:
    site, other = create_site(), create_site()
    mallory = create_moderator(other.site)
    comment = create_comment(site.site, status=CommentStatus.APPROVED)
    for action in ("undo", "reverse"):
        response = client.post(
            f"/api/v1/moderation/comments/{comment.id}/{action}", headers=bearer(mallory.token)
        )
        assert response.status_code == 404
