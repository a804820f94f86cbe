"""The review queue page and its actions, through Flask's test client."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import CommentStatus
from service.extensions import db
from tests.e2e.web.conftest import new_client
from tests.support.factories import create_comment, create_site
from tests.support.web import create_web_moderator, post_action, sign_in

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Each request in its own app context, as on a server (see conftest.py)."""
    return new_client(app)


def signed_in_client(app: Flask, site):  # type: ignore[no-untyped-def]
    client = new_client(app)
    sign_in(client, create_web_moderator(site))
    return client


def test_the_queue_shows_pending_comments_of_the_moderators_sites_only(app: Flask) -> None:
    mine, theirs = create_site().site, create_site().site
    client = signed_in_client(app, mine)
    shown = create_comment(mine, status=CommentStatus.PENDING, body="Mio commento",
                           author_email="a@example.it", author_ip="10.1.2.3")  # fmt: skip
    create_comment(theirs, status=CommentStatus.PENDING, body="Commento altrui")
    create_comment(mine, status=CommentStatus.APPROVED, body="Già approvato")
    page = client.get("/moderate/").get_data(as_text=True)
    assert f'id="comment-{shown.id}"' in page
    for shown_text in ("Mio commento", "a@example.it", "10.1.2.3"):
        assert shown_text in page
    assert "Commento altrui" not in page
    assert "Già approvato" not in page


def test_user_text_is_escaped_everywhere(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    parent = create_comment(site, status=CommentStatus.APPROVED, body=XSS, author_name=XSS)
    features = [{"feature": "word: script", "weight": 1.0}, {"feature": "word: <b>", "weight": 1}]
    create_comment(site, status=CommentStatus.PENDING, body=XSS, author_name=XSS,
                   author_email=XSS[:60], article_title=XSS, article_url="javascript:alert(3)",
                   parent_id=parent.id, spam_score=0.5,
                   explanation={"spam": features, "ham": []})  # fmt: skip
    page = client.get("/moderate/").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "javascript:alert(3)" not in page  # not a link target, and not shown as one
    assert "&lt;<mark>script</mark>&gt;alert(1)" in page  # escaped, then the feature marked


def test_the_pages_send_a_content_security_policy_without_inline_scripts(app: Flask) -> None:
    client = signed_in_client(app, create_site().site)
    policy = client.get("/moderate/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_the_api_needs_no_csrf_token(client: FlaskClient) -> None:
    # CSRF protects cookie sessions; API calls carry a bearer key and stay as they were.
    site = create_site()
    payload = {"article_id": "a", "author_name": "X", "body": "ciao"}
    headers = {"Authorization": f"Bearer {site.api_key}"}
    response = client.post("/api/v1/comments", json=payload, headers=headers)
    assert response.status_code == 202


def test_another_sites_comment_is_not_found(app: Flask) -> None:
    mine, theirs = create_site().site, create_site().site
    client = signed_in_client(app, mine)
    other = create_comment(theirs, status=CommentStatus.PENDING)
    assert client.get(f"/moderate/comments/{other.id}").status_code == 404
    response = post_action(client, f"/moderate/comments/{other.id}/approve",
                           if_match=f'"{other.id}-{other.version}"')  # fmt: skip
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.status == CommentStatus.PENDING


def test_filtering_on_a_site_not_moderated_is_forbidden(app: Flask) -> None:
    mine, theirs = create_site().site, create_site().site
    client = signed_in_client(app, mine)
    assert client.get("/moderate/", query_string={"site": theirs.slug}).status_code == 403


def test_approving_needs_if_match_and_sends_the_new_version(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    path = f"/moderate/comments/{comment.id}/approve"
    assert post_action(client, path).status_code == 422  # no If-Match: never decided blind
    response = post_action(client, path, if_match=f'"{comment.id}-{comment.version}"')
    assert response.status_code == 200
    assert response.get_json()["version"] == comment.version + 1
    db.session.refresh(comment)
    assert comment.status == CommentStatus.APPROVED


def test_a_stale_version_is_a_conflict_that_shows_the_comment_as_it_now_is(app: Flask) -> None:
    site = create_site().site
    first, second = signed_in_client(app, site), signed_in_client(app, site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    tag = f'"{comment.id}-{comment.version}"'
    assert (
        post_action(first, f"/moderate/comments/{comment.id}/approve", if_match=tag).status_code
        == 200
    )
    response = post_action(second, f"/moderate/comments/{comment.id}/reject",
                           {"reason": "spam"}, if_match=tag)  # fmt: skip
    assert response.status_code == 409
    assert 'data-status="approved"' in response.get_json()["item"]
    db.session.refresh(comment)
    assert comment.status == CommentStatus.APPROVED  # not overwritten


def test_rejecting_needs_a_reason_from_the_list(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    path, tag = f"/moderate/comments/{comment.id}/reject", f'"{comment.id}-{comment.version}"'
    assert post_action(client, path, {"reason": "boring"}, if_match=tag).status_code == 422
    response = post_action(
        client, path, {"reason": "off_topic", "note": "altro articolo"}, if_match=tag
    )
    assert response.status_code == 200
    db.session.refresh(comment)
    assert (comment.status, comment.decision_reason) == (CommentStatus.REJECTED, "off_topic")


def test_a_decision_can_be_undone_by_its_moderator(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    decided = post_action(client, f"/moderate/comments/{comment.id}/approve",
                          if_match=f'"{comment.id}-{comment.version}"').get_json()  # fmt: skip
    response = post_action(client, f"/moderate/comments/{comment.id}/undo",
                           if_match=f'"{comment.id}-{decided["version"]}"')  # fmt: skip
    assert response.status_code == 200
    assert 'data-status="pending"' in response.get_json()["item"]
    db.session.refresh(comment)
    assert comment.status == CommentStatus.PENDING


def test_bulk_decisions_report_decided_and_conflicted(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    fresh = create_comment(site, status=CommentStatus.PENDING)
    stale = create_comment(site, status=CommentStatus.PENDING)
    items = [f"{fresh.id}:{fresh.version}", f"{stale.id}:{stale.version - 1}"]
    response = post_action(client, "/moderate/bulk",
                           {"action": "reject", "reason": "spam", "items": items})  # fmt: skip
    assert response.status_code == 200
    assert response.get_json()["decided"] == 1
    assert response.get_json()["conflicted"] == 1
    db.session.refresh(stale)
    assert stale.status == CommentStatus.PENDING


def test_the_poll_returns_the_first_page_and_the_counts(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    data = client.get("/moderate/poll", headers={"Accept": "application/json"}).get_json()
    assert f'id="comment-{comment.id}"' in data["items"]
    assert 'data-status="pending">1<' in data["counts"]


def test_pages_are_italian_or_english_by_accept_language_or_by_choice(app: Flask) -> None:
    client = signed_in_client(app, create_site().site)
    assert "Coda di revisione" in client.get(
        "/moderate/", headers={"Accept-Language": "it"}
    ).get_data(as_text=True)
    english = client.get("/moderate/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Review queue" in english.get_data(as_text=True)
    assert '<html lang="en">' in english.get_data(as_text=True)
    post_action(client, "/moderate/language", {"language": "it", "back": "/moderate/"})
    chosen = client.get("/moderate/", headers={"Accept-Language": "en"})
    assert "Coda di revisione" in chosen.get_data(as_text=True)  # the choice wins


def test_bulk_by_filter_decides_every_matching_comment_and_nothing_else(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    spam = [create_comment(site, status=CommentStatus.PENDING, body=f"casino gratis {n}")
            for n in range(3)]  # fmt: skip
    other = create_comment(site, status=CommentStatus.PENDING, body="Bell'articolo")
    response = post_action(client, "/moderate/bulk", {
        "action": "reject", "reason": "spam", "scope": "filter",
        "filter_status": "pending", "filter_q": "gratis", "filter_order": "oldest",
    })  # fmt: skip
    assert response.get_json()["decided"] == 3
    for comment in [*spam, other]:
        db.session.refresh(comment)
    assert {c.status for c in spam} == {CommentStatus.REJECTED}
    assert other.status == CommentStatus.PENDING


def test_an_undo_after_the_window_is_refused_and_changes_nothing(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    decided = post_action(client, f"/moderate/comments/{comment.id}/approve",
                          if_match=f'"{comment.id}-{comment.version}"').get_json()  # fmt: skip
    app.config["UNDO_WINDOW_SECONDS"] = 0.0
    try:
        response = post_action(client, f"/moderate/comments/{comment.id}/undo",
                               if_match=f'"{comment.id}-{decided["version"]}"')  # fmt: skip
    finally:
        app.config["UNDO_WINDOW_SECONDS"] = 10.0
    assert response.status_code == 409
    assert "Troppo tardi" in response.get_json()["message"]
    db.session.refresh(comment)
    assert comment.status == CommentStatus.APPROVED
