"""The queue page as the server renders it: `/` leads to it, the list's density follows the
moderator's cookie, the counts, bulk bar and title give one number, and each comment's status
says what happened to it."""

import re

from flask import Flask
from flask.testing import FlaskClient

from models import ActorKind, CommentStatus, Site, utcnow
from service.web.queue import DENSITY_COOKIE
from tests.e2e.web.conftest import new_client
from tests.support.factories import create_comment, create_site
from tests.support.web import create_web_moderator, sign_in

ENGLISH = {"Accept-Language": "en"}
HELD = {"decided_by_kind": ActorKind.CLASSIFIER, "decided_by": "classifier",
        "decision_reason": "uncertain"}  # fmt: skip


def signed_in_client(app: Flask, site: Site) -> FlaskClient:
    client = new_client(app)
    sign_in(client, create_web_moderator(site))
    return client


def page_text(client: FlaskClient, path: str = "/moderate/") -> str:
    return client.get(path, headers=ENGLISH).get_data(as_text=True)


def test_the_root_redirects_to_the_queue(app: Flask) -> None:
    response = new_client(app).get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderate/"


def test_the_list_is_compact_unless_the_moderator_chose_comfortable(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    create_comment(site, status=CommentStatus.PENDING)
    assert re.search(r'class="items compact"', page_text(client))
    client.set_cookie(DENSITY_COOKIE, "comfortable", path="/moderate/")
    assert 'class="items"' in page_text(client)
    client.set_cookie(DENSITY_COOKIE, "compact", path="/moderate/")
    assert 'class="items compact"' in page_text(client)


def test_the_counts_the_bulk_bar_and_the_title_give_the_same_number(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    for _ in range(3):
        create_comment(site, status=CommentStatus.PENDING)
    create_comment(site, status=CommentStatus.APPROVED)
    page = page_text(client)
    assert "<title>(3) Review queue · Moderato</title>" in page
    assert 'data-status="pending">3<' in page
    assert 'or all <span data-role="matching-count">3</span> matching the filter' in page
    approved = page_text(client, "/moderate/?status=approved")
    assert 'or all <span data-role="matching-count">1</span> matching the filter' in approved
    assert "<title>(3) Review queue" in approved  # the title counts what waits, on every tab


def test_the_filter_panel_is_open_only_when_one_of_its_filters_is_set(app: Flask) -> None:
    client = signed_in_client(app, create_site().site)
    folded = '<details class="more-filters" data-role="more-filters" >'
    assert folded in page_text(client)
    assert folded in page_text(client, "/moderate/?q=ciao&status=approved")
    assert '<details class="more-filters" data-role="more-filters" open>' in page_text(
        client, "/moderate/?min=0.5"
    )


def test_each_status_says_what_happened_and_who_did_it(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    held = create_comment(site, status=CommentStatus.PENDING, decided_at=utcnow(), **HELD)
    ruled = create_comment(site, status=CommentStatus.PENDING, decided_at=utcnow(),
                           decided_by_kind=ActorKind.RULE, decided_by="rule",
                           decision_reason="pre_moderation")  # fmt: skip
    rejected = create_comment(site, status=CommentStatus.REJECTED, decided_at=utcnow(),
                              decided_by_kind=ActorKind.MODERATOR, decided_by="Anna",
                              decision_reason="spam")  # fmt: skip
    queue = page_text(client)
    assert "Pending review, held by the classifier: Uncertain score" in queue
    assert "Pending review, held by a rule: Pre-moderated site" in queue
    assert "(classifier)" not in queue
    assert "Rejected by Anna: Spam" in page_text(client, "/moderate/?status=rejected")
    detail = page_text(client, f"/moderate/comments/{held.id}")
    assert "Held since" in detail
    assert "Decided" not in detail
    assert "Pending review, held by a rule" in page_text(client, f"/moderate/comments/{ruled.id}")
    decided = page_text(client, f"/moderate/comments/{rejected.id}")
    assert "<dt>Decided</dt>" in decided
    assert "Rejected by Anna: Spam" in decided


def test_a_decision_made_in_wordpress_names_its_login_and_wordpress(app: Flask) -> None:
    site = create_site().site
    client = signed_in_client(app, site)
    create_comment(site, status=CommentStatus.REJECTED, decided_at=utcnow(),
                   decided_by_kind=ActorKind.WORDPRESS, decided_by="redazione",
                   decision_reason="spam")  # fmt: skip
    assert "Rejected by redazione in WordPress: Spam" in page_text(
        client, "/moderate/?status=rejected"
    )
    italian = client.get("/moderate/?status=rejected", headers={"Accept-Language": "it"})
    assert "da redazione in WordPress" in italian.get_data(as_text=True)
