"""The comment detail, author and dashboard pages over HTTP (Flask's test client, both
databases): what they show, their forms (CSRF, versions), escaping and scoping."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import CommentStatus, Moderator, Site
from service.accounts.auth import ModeratorRef, moderator_ref
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Change
from service.moderation.review import actions as queue
from tests.e2e.web.conftest import new_client
from tests.support import web
from tests.support.factories import create_comment, create_site
from tests.support.web import WebModerator, create_web_moderator


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Each request in its own app context, as on a server (see conftest.py)."""
    return new_client(app)


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def sign_in(
    client: FlaskClient, site: Site | list[Site], language: str = "en"
) -> tuple[WebModerator, str]:
    """Sign a new moderator of `site` in; the moderator and the session's CSRF token."""
    moderator = create_web_moderator(site)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    web.sign_in(client, moderator)
    return moderator, fresh_csrf_token(client)


def as_ref(moderator: WebModerator) -> ModeratorRef:
    """The service layer's view of a web moderator."""
    return moderator_ref(db.session.query(Moderator).filter_by(name=moderator.name).one())


def fresh_csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the signed-in session."""
    return web.csrf_token(client, "/moderate/dashboard")


def test_the_detail_page_shows_history_thread_explanation_and_author_record(
    client: FlaskClient,
) -> None:
    site = create_site()
    alice, _ = sign_in(client, site.site)
    parent = create_comment(site.site, status="approved", author_name="Marco", body="Primo!")
    comment = create_comment(
        site.site, status="pending", parent_id=parent.id, author_email="g@example.it",
        author_ip="10.1.2.3", spam_score=0.55, classifier_version="v7",
        explanation={"spam": [{"feature": "word: casino", "weight": 1.5}],
                     "ham": [{"feature": "word: grazie", "weight": -0.4}]},
        body="Vieni al casino",
    )  # fmt: skip
    reply = create_comment(site.site, status="rejected", parent_id=comment.id, author_name="Troll")
    create_comment(site.site, status="rejected", author_email="g@example.it")
    gate.transition([Change(comment.id, "pending", "pending", "rescored", CLASSIFIER)])
    db.session.commit()

    page = client.get(f"/moderate/comments/{comment.id}").get_data(as_text=True)

    assert "<mark>casino</mark>" in page
    assert "<td>grazie</td><td>word</td>" in page  # stored in the old format, read by prefix
    assert "v7" in page
    assert "Marco" in page
    assert "Troll" in page
    assert f"/moderate/comments/{reply.id}" in page
    assert "Scored again" in page  # the history
    assert "By e-mail g@example.it" in page
    assert "By IP 10.1.2.3" in page
    assert "Reject their 1 pending comment" in page


def test_a_decision_from_the_detail_page_needs_csrf_and_the_version(client: FlaskClient) -> None:
    site = create_site()
    alice, csrf = sign_in(client, site.site)
    comment = create_comment(site.site, status="pending")
    url = f"/moderate/comments/{comment.id}/decide"

    refused = client.post(url, data={"action": "approve", "version": "1"})
    assert refused.status_code == 400
    stale = client.post(url, data={"action": "approve", "version": "9", "csrf_token": csrf})
    assert stale.status_code == 302
    assert "nothing was changed" in client.get(stale.location).get_data(as_text=True)
    done = client.post(
        url,
        data={"action": "reject", "reason": "abuse", "version": "1", "csrf_token": csrf},
    )
    page = client.get(done.location).get_data(as_text=True)
    assert "The comment is rejected." in page
    assert "Undo my last decision" in page
    undone = client.post(
        f"/moderate/comments/{comment.id}/undo-decision", data={"version": "2", "csrf_token": csrf}
    )
    assert "Decision undone." in client.get(undone.location).get_data(as_text=True)
    [first, last] = queue.get_history(comment.id, as_ref(alice))
    assert (first.to_status, last.reason) == ("rejected", "undo")


def test_confirming_a_machine_decision_from_the_detail_page(client: FlaskClient) -> None:
    site = create_site()
    alice, csrf = sign_in(client, site.site)
    comment = create_comment(site.site, status=CommentStatus.APPROVED, decided_by_kind="classifier")
    page = client.get(f"/moderate/comments/{comment.id}").get_data(as_text=True)
    assert "Confirm: not spam" in page
    assert "Reverse: reject" in page
    client.post(
        f"/moderate/comments/{comment.id}/decide",
        data={"action": "approve", "version": "1", "csrf_token": csrf},
    )
    history = client.get(f"/moderate/comments/{comment.id}").get_data(as_text=True)
    assert "Confirmed: Approved" in history


def test_user_text_is_escaped_on_every_page(client: FlaskClient) -> None:
    site = create_site()
    alice, _ = sign_in(client, site.site)
    comment = create_comment(
        site.site, status="pending", body=HOSTILE, author_name=HOSTILE, author_email="x@example.org"
    )
    queue.reject_comment(comment.id, as_ref(alice), reason="spam", note=HOSTILE)
    for url in (
        f"/moderate/comments/{comment.id}",
        "/moderate/authors?email=x@example.org",
        "/moderate/dashboard",
    ):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page, url
        assert "<img src=x" not in page, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(
        f"/moderate/comments/{comment.id}"
    ).get_data(as_text=True)


def test_another_sites_comment_and_author_are_not_shown(client: FlaskClient) -> None:
    site, other = create_site(), create_site()
    mallory, csrf = sign_in(client, other.site)
    comment = create_comment(site.site, status="pending", author_ip="10.9.9.9")
    assert client.get(f"/moderate/comments/{comment.id}").status_code == 404
    decided = client.post(
        f"/moderate/comments/{comment.id}/decide",
        data={"action": "approve", "version": "1", "csrf_token": csrf},
    )
    assert decided.status_code == 404
    assert db.session.get(type(comment), comment.id).status == "pending"
    page = client.get("/moderate/authors?ip=10.9.9.9").get_data(as_text=True)
    assert "10.9.9.9" in page
    assert f"#{comment.id}" not in page
    assert client.get(f"/moderate/dashboard?site={site.site.slug}").status_code == 404


def test_the_author_page_decides_all_their_pending_comments(client: FlaskClient) -> None:
    site = create_site()
    alice, csrf = sign_in(client, site.site)
    pending = [create_comment(site.site, status="pending", author_ip="10.0.0.7") for _ in range(3)]
    page = client.get("/moderate/authors?ip=10.0.0.7").get_data(as_text=True)
    assert "Reject all 3 of their pending comments" in page
    answer = client.post(
        "/moderate/authors/decide",
        data={"ip": "10.0.0.7", "action": "reject", "reason": "spam", "csrf_token": csrf,
              "back": "https://evil.example/moderate/"},
    )  # fmt: skip
    assert answer.location.endswith("/moderate/authors?ip=10.0.0.7")
    assert "3 decided, 0 conflicted." in client.get(answer.location).get_data(as_text=True)
    assert {db.session.get(type(c), c.id).status for c in pending} == {"rejected"}
    assert client.get("/moderate/authors").status_code == 422


def test_the_dashboard_draws_svg_charts_for_all_sites_and_per_site(client: FlaskClient) -> None:
    site_a, site_b = create_site(), create_site()
    bob, _ = sign_in(client, [site_a.site, site_b.site])
    comment = create_comment(site_a.site)
    gate.transition([Change(comment.id, "queued", "approved", "not_spam", CLASSIFIER)])
    db.session.commit()
    queue.reject_comment(comment.id, as_ref(bob), reason="spam")
    create_comment(site_b.site, status="pending")

    page = client.get("/moderate/dashboard?days=7").get_data(as_text=True)

    assert page.count("<svg") == 3
    assert 'class="series-classifier"' in page
    assert 'class="series-missed_spam"' in page
    assert site_a.site.slug in page
    assert site_b.site.slug in page
    one = client.get(f"/moderate/dashboard?site={site_b.site.slug}").get_data(as_text=True)
    assert f"Dashboard: {site_b.site.slug}" in one
    assert client.get("/moderate/dashboard?days=0").status_code == 422


def test_the_italian_comment_page_explains_in_translated_words_and_domains(
    client: FlaskClient,
) -> None:
    site = create_site()
    sign_in(client, site.site, "it")
    explanation = {
        "spam": [{"kind": "word", "text": "gratis", "weight": 1.7},
                 {"kind": "domain", "text": "bit.ly", "weight": 0.9},
                 {"kind": "signal", "name": "links", "weight": 0.4}],
        "ham": [{"kind": "signal", "name": "length", "weight": -0.3}],
    }  # fmt: skip
    new = create_comment(site.site, status="pending", spam_score=0.8, explanation=explanation,
                         body="Tutto GRATIS su bit.ly/x, gratisssimo")  # fmt: skip
    old = create_comment(site.site, status="pending", spam_score=0.8, body="Buongiorno gratis",
                         explanation={"spam": [{"feature": "word: gratis", "weight": 1.0},
                                               {"feature": "chars: 'gior'", "weight": 0.5}],
                                      "ham": []})  # fmt: skip
    headers = {"Accept-Language": "it"}

    page = client.get(f"/moderate/comments/{new.id}", headers=headers).get_data(as_text=True)
    queue_page = client.get("/moderate/", headers=headers).get_data(as_text=True)
    old_page = client.get(f"/moderate/comments/{old.id}", headers=headers).get_data(as_text=True)

    assert '<td>gratis</td><td>parola</td><td class="number">1.70</td>' in page
    assert "<td>bit.ly</td><td>dominio del link</td>" in page
    assert "<td>link nel testo</td><td>segnale</td>" in page
    assert '<td>lunghezza</td><td>segnale</td><td class="number">-0.30</td>' in page
    assert "Tutto <mark>GRATIS</mark> su <mark>bit.ly</mark>/x, gratisssimo" in page
    assert '<li class="feature-signal">link nel testo</li>' in queue_page
    assert '<li class="feature-domain">bit.ly</li>' in queue_page
    assert "<td>gratis</td><td>parola</td>" in old_page
    assert "gior" not in old_page.replace("Buongiorno", "")  # an n-gram is no evidence


@pytest.mark.parametrize(
    ("language", "words"),
    [("it", ["Cronologia", "Conversazione", "Quadro"]), ("en", ["History", "Thread", "Dashboard"])],
)
def test_the_pages_are_in_italian_and_english(
    client: FlaskClient, language: str, words: list[str]
) -> None:
    site = create_site()
    alice, _ = sign_in(client, site.site, language)
    comment = create_comment(site.site, status="pending")
    headers = {"Accept-Language": language}
    detail = client.get(f"/moderate/comments/{comment.id}", headers=headers).get_data(as_text=True)
    dashboard = client.get("/moderate/dashboard", headers=headers).get_data(as_text=True)
    assert words[0] in detail
    assert words[1] in detail
    assert words[2] in dashboard
