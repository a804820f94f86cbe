"""The Settings page and an article's page over HTTP (Flask's test client, both databases):
what admins and other moderators see and may do, errors by field, CSRF, history, restore."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import CommentStatus, Site, SitePolicyVersion, SiteRole
from service.accounts import policies
from service.extensions import db
from service.moderation.intake import articles
from tests.e2e.web.conftest import new_client
from tests.support import web
from tests.support.factories import create_comment, create_site
from tests.support.web import create_web_moderator

ARTICLE = "2026/11/nuova-ciclabile"
VALID = {"moderation_mode": "post", "auto_approve_below": "0.2", "auto_reject_above": "0.9",
         "hold_unfamiliar_below": "0.5", "close_after_days": ""}  # fmt: skip


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Each request in its own app context, as on a server (see conftest.py)."""
    return new_client(app)


def policy_of(site: Site) -> SitePolicyVersion:
    """The policy in force as the database has it now (the requests ran in other sessions)."""
    db.session.rollback()
    return policies.get_policy(site.slug)


def article_of(site: Site) -> articles.ArticleState:
    """The article as the database has it now."""
    db.session.rollback()
    return articles.get_article(site.slug, ARTICLE)


def sign_in(client: FlaskClient, site: Site, role: str, language: str = "en") -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    web.sign_in(client, create_web_moderator(site, role=role))


def save(client: FlaskClient, site: Site, version: int = 1, **changes: str) -> object:
    path = f"/moderate/sites/{site.slug}/settings"
    return web.post_form(client, path, {**VALID, "version": str(version), **changes})


def test_an_admin_saves_settings_as_a_new_version(client: FlaskClient) -> None:
    site = create_site().site
    sign_in(client, site, SiteRole.ADMIN)
    response = save(client, site, moderation_mode="pre", auto_reject_above="0,85",
                    close_after_days="14")  # fmt: skip
    assert response.status_code == 302
    current = policy_of(site)
    assert current.version == 2
    assert current.document["moderation_mode"] == "pre"
    assert current.document["auto_reject_above"] == 0.85
    assert current.document["close_after_days"] == 14
    page = client.get(f"/moderate/sites/{site.slug}/settings").get_data(as_text=True)
    assert "Settings saved as version 2." in page
    assert "Restore version 1" in page
    assert "<code>moderation_mode</code>: post → pre" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("auto_reject_above", "1.5", "Enter a number from 0 to 1, such as 0.25."),
        ("auto_approve_below", "tanto", "Enter a number from 0 to 1, such as 0.25."),
        ("auto_approve_below", "0.95", "Must not be greater than the rejection threshold."),
        ("close_after_days", "0", "Enter a whole number of days from 1 to 36500"),
        ("close_after_days", "2.5", "Enter a whole number of days from 1 to 36500"),
        ("moderation_mode", "sometimes", "Choose post-moderation or pre-moderation."),
    ],
)
def test_an_invalid_setting_is_shown_by_its_field_and_nothing_is_saved(
    client: FlaskClient, field: str, value: str, message: str
) -> None:
    site = create_site().site
    sign_in(client, site, SiteRole.ADMIN)
    response = save(client, site, **{field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="field-error" id="{field}-error">{message}' in page
    assert "nothing was saved" in page
    assert policy_of(site).version == 1


def test_a_plain_moderator_reads_the_settings_but_cannot_save_them(client: FlaskClient) -> None:
    site = create_site().site
    sign_in(client, site, SiteRole.MODERATOR)
    page = client.get(f"/moderate/sites/{site.slug}/settings").get_data(as_text=True)
    assert "Only an admin of this site can change these settings." in page
    assert "Save settings" not in page
    assert save(client, site, moderation_mode="pre").status_code == 403
    assert policy_of(site).version == 1


def test_a_stale_form_saves_nothing(client: FlaskClient) -> None:
    site = create_site().site
    sign_in(client, site, SiteRole.ADMIN)
    assert save(client, site, moderation_mode="pre").status_code == 302
    stale = save(client, site, version=1, close_after_days="3")
    assert stale.status_code == 302
    assert policy_of(site).document["close_after_days"] is None


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient) -> None:
    site = create_site().site
    sign_in(client, site, SiteRole.ADMIN)
    response = client.post(f"/moderate/sites/{site.slug}/settings", data={**VALID, "version": "1"})
    assert response.status_code == 400
    assert policy_of(site).version == 1


def test_an_admin_restores_an_earlier_version(client: FlaskClient) -> None:
    site = create_site().site
    sign_in(client, site, SiteRole.ADMIN)
    save(client, site, moderation_mode="pre")
    path = f"/moderate/sites/{site.slug}/settings/restore"
    response = web.post_form(client, path, {"version": "1", "current": "2"})
    assert response.status_code == 302
    current = policy_of(site)
    assert (current.version, current.document["moderation_mode"]) == (3, "post")


def test_settings_of_a_site_not_theirs_are_not_found(client: FlaskClient) -> None:
    site, other = create_site().site, create_site().site
    sign_in(client, site, SiteRole.ADMIN)
    assert client.get(f"/moderate/sites/{other.slug}/settings").status_code == 404
    assert (
        client.get("/moderate/settings")
        .headers["Location"]
        .endswith(f"/moderate/sites/{site.slug}/settings")
    )


def test_the_article_page_lists_every_status_and_an_admin_closes_it(client: FlaskClient) -> None:
    site = create_site().site
    for status in CommentStatus.ALL:
        create_comment(site, article_id=ARTICLE, status=status, body=f"Commento {status} <b>x</b>")
    create_comment(site, article_id="altro", body="Altro articolo")
    sign_in(client, site, SiteRole.ADMIN)
    path = f"/moderate/sites/{site.slug}/articles/{ARTICLE}"
    page = client.get(path).get_data(as_text=True)
    for status in CommentStatus.ALL:
        assert f"Commento {status} &lt;b&gt;x&lt;/b&gt;" in page
    assert "Altro articolo" not in page
    response = web.post_form(client, path, {"closed": "true", "moderation_mode": "pre"})
    assert response.status_code == 302
    state = article_of(site)
    assert (state.closed, state.moderation_mode) == (True, "pre")
    assert "Closed to new comments" in client.get(path).get_data(as_text=True)


def test_a_plain_moderator_cannot_change_an_article(client: FlaskClient) -> None:
    site = create_site().site
    sign_in(client, site, SiteRole.MODERATOR)
    path = f"/moderate/sites/{site.slug}/articles/{ARTICLE}"
    assert "Save article" not in client.get(path).get_data(as_text=True)
    assert web.post_form(client, path, {"closed": "true"}).status_code == 403
    assert article_of(site).closed is False


def test_a_comments_page_links_to_its_articles_page(client: FlaskClient) -> None:
    site = create_site().site
    comment = create_comment(site, article_id=ARTICLE, status=CommentStatus.PENDING)
    sign_in(client, site, SiteRole.MODERATOR)
    page = client.get(f"/moderate/comments/{comment.id}").get_data(as_text=True)
    assert f'href="/moderate/sites/{site.slug}/articles/{ARTICLE}"' in page
