"""The site-facing API, on PostgreSQL + Redis and on the embedded SQLite default."""

from flask.testing import FlaskClient

from models import Comment, CommentStatus
from service.extensions import db
from tests.support.factories import bearer, comment_payload, create_comment, create_site

PRIVATE_FIELDS = {"author_email", "author_ip", "user_agent", "referrer"}


def test_a_submission_is_stored_queued_before_the_202(client: FlaskClient) -> None:
    site = create_site("Il Quotidiano")
    response = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == CommentStatus.QUEUED
    assert body["site"] == "il-quotidiano"
    assert body["spam_score"] is None
    assert response.headers["Location"] == f"/api/v1/comments/{body['id']}"
    assert response.headers["ETag"] == f'"{body["id"]}-1"'
    stored = db.session.get(Comment, body["id"])
    assert stored is not None
    assert stored.body == comment_payload()["body"]
    assert stored.author_email == "giulia.rossi@example.it"


def test_site_keys_never_see_readers_private_data(client: FlaskClient) -> None:
    site = create_site()
    created = client.post("/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key))
    fetched = client.get(created.headers["Location"], headers=bearer(site.api_key))
    for response in (created, fetched):
        assert not PRIVATE_FIELDS & set(response.get_json())
    assert fetched.get_json()["author_name"] == "Giulia Rossi"


def test_italian_text_round_trips_unchanged(client: FlaskClient) -> None:
    site = create_site()
    text = "Perché la giunta non ha già spiegato com'è finita? Città più verde, sì, però…"
    response = client.post(
        "/api/v1/comments", json=comment_payload(body=text), headers=bearer(site.api_key)
    )
    assert (
        client.get(response.headers["Location"], headers=bearer(site.api_key)).get_json()["body"]
        == text
    )


def test_a_reply_must_answer_a_comment_of_the_same_article(client: FlaskClient) -> None:
    site = create_site()
    parent = create_comment(site.site, article_id="a1")
    other_article = create_comment(site.site, article_id="a2")
    ok = client.post(
        "/api/v1/comments",
        json=comment_payload(article_id="a1", parent_id=parent.id),
        headers=bearer(site.api_key),
    )
    assert ok.status_code == 202
    assert ok.get_json()["parent_id"] == parent.id
    wrong = client.post(
        "/api/v1/comments",
        json=comment_payload(article_id="a1", parent_id=other_article.id),
        headers=bearer(site.api_key),
    )
    assert wrong.status_code == 422
    assert "parent_id" in wrong.get_json()["error"]["fields"]


def test_a_reply_cannot_point_at_another_sites_comment(client: FlaskClient) -> None:
    mine, theirs = create_site(), create_site()
    foreign = create_comment(theirs.site, article_id="a1")
    response = client.post(
        "/api/v1/comments",
        json=comment_payload(article_id="a1", parent_id=foreign.id),
        headers=bearer(mine.api_key),
    )
    assert response.status_code == 422


def test_a_site_key_cannot_read_another_sites_comment(client: FlaskClient) -> None:
    site_a, site_b = create_site(), create_site()
    comment_b = create_comment(site_b.site)
    response = client.get(f"/api/v1/comments/{comment_b.id}", headers=bearer(site_a.api_key))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert (
        client.get(f"/api/v1/comments/{comment_b.id}", headers=bearer(site_b.api_key)).status_code
        == 200
    )


def test_article_listing_shows_only_approved_comments_oldest_first(client: FlaskClient) -> None:
    site = create_site()
    first = create_comment(site.site, article_id="art", status=CommentStatus.APPROVED, body="one")
    create_comment(site.site, article_id="art", status=CommentStatus.PENDING, body="held")
    create_comment(site.site, article_id="art", status=CommentStatus.REJECTED, body="spam")
    create_comment(site.site, article_id="other", status=CommentStatus.APPROVED, body="x")
    reply = create_comment(
        site.site, article_id="art", status=CommentStatus.APPROVED, body="two", parent_id=first.id
    )
    response = client.get("/api/v1/articles/art/comments", headers=bearer(site.api_key))
    assert response.status_code == 200
    body = response.get_json()
    assert [item["body"] for item in body["items"]] == ["one", "two"]
    assert body["items"][1]["parent_id"] == first.id == reply.parent_id
    assert body["next_cursor"] is None


def test_article_listing_paginates_with_a_cursor(client: FlaskClient) -> None:
    site = create_site()
    for number in range(5):
        create_comment(site.site, article_id="art", status=CommentStatus.APPROVED, body=str(number))
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(
            "/api/v1/articles/art/comments", query_string=query, headers=bearer(site.api_key)
        ).get_json()
        seen += [item["body"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["0", "1", "2", "3", "4"]


def test_article_listing_is_scoped_to_the_callers_site(client: FlaskClient) -> None:
    site_a, site_b = create_site(), create_site()
    create_comment(site_b.site, article_id="art", status=CommentStatus.APPROVED)
    page = client.get("/api/v1/articles/art/comments", headers=bearer(site_a.api_key)).get_json()
    assert page["items"] == []


def test_article_ids_with_slashes_work(client: FlaskClient) -> None:
    site = create_site()
    create_comment(site.site, article_id="2026/11/slug", status=CommentStatus.APPROVED)
    page = client.get(
        "/api/v1/articles/2026/11/slug/comments", headers=bearer(site.api_key)
    ).get_json()
    assert len(page["items"]) == 1
