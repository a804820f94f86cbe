"""The Settings page in a browser, in Italian: an admin fixes a refused value and saves, reads
the history and restores a version; a plain moderator only reads. axe finds no serious or
critical violation along the way. And an article's page: an admin closes the article."""

from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from models import Article, CommentStatus, SiteRole
from service.accounts import policies
from service.extensions import db
from tests.support.browser import assert_accessible, screenshot, sign_in
from tests.support.factories import create_comment, create_site
from tests.support.web import create_web_moderator


def test_an_admin_fixes_a_refused_value_saves_and_restores_in_italian(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site("Il Quotidiano").site
    admin = create_web_moderator(site, "direttrice", role=SiteRole.ADMIN)
    page = context.new_page()
    sign_in(page, base_url, admin.name)
    page.get_by_role("link", name="Impostazioni").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impostazioni: il-quotidiano")
    assert_accessible(page)

    page.get_by_label("Rifiuta da questo punteggio di spam").fill("1,5")
    page.get_by_label("Moderazione preventiva: una persona approva ogni commento").check()
    page.get_by_role("button", name="Salva le impostazioni").click()
    expect(page.get_by_role("alert")).to_contain_text("non è stato salvato nulla")
    reject = page.get_by_label("Rifiuta da questo punteggio di spam")
    expect(reject).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#auto_reject_above-error")).to_have_text(
        "Inserisci un numero da 0 a 1, per esempio 0,25."
    )
    screenshot(page, "settings-error")
    assert_accessible(page)
    db.session.rollback()
    assert policies.get_policy(site.slug).version == 1

    reject.fill("0,8")
    page.get_by_role("button", name="Salva le impostazioni").click()
    expect(page.get_by_role("status")).to_contain_text("Impostazioni salvate come versione 2.")
    history = page.get_by_role("table", name="Tutte le versioni della politica, dalla più recente")
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history.locator("tbody tr").first).to_contain_text("moderation_mode: post → pre")
    expect(history.locator("tbody tr").first).to_contain_text("direttrice")
    assert_accessible(page)

    page.get_by_role("button", name="Ripristina la versione 1").click()
    expect(page.get_by_role("status")).to_contain_text("Versione 1 ripristinata come versione 3.")
    expect(
        page.get_by_label("Moderazione successiva: il classificatore può pubblicare un commento")
    ).to_be_checked()
    db.session.rollback()
    current = policies.get_policy(site.slug)
    assert (current.version, current.document["moderation_mode"]) == (3, "post")
    assert current.document["auto_reject_above"] == 0.9


def test_a_plain_moderator_reads_the_settings_without_a_way_to_change_them(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site("Il Quotidiano").site
    moderator = create_web_moderator(site, "redazione")
    page = context.new_page()
    sign_in(page, base_url, moderator.name)
    page.goto(f"{base_url}/moderate/sites/{site.slug}/settings")
    expect(page.get_by_text("Solo un amministratore di questo sito può modificare")).to_be_visible()
    expect(page.get_by_label("Rifiuta da questo punteggio di spam")).to_be_disabled()
    expect(page.get_by_role("button", name="Salva le impostazioni")).to_have_count(0)
    assert_accessible(page)


def test_an_admin_closes_an_article_from_its_page(context: BrowserContext, base_url: str) -> None:
    site = create_site("Il Quotidiano").site
    article_id = "2026/12/ciclabile"
    for status in (CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.REJECTED):
        create_comment(site, article_id=article_id, status=status, body=f"Commento {status}")
    admin = create_web_moderator(site, "direttrice", role=SiteRole.ADMIN)
    page = context.new_page()
    sign_in(page, base_url, admin.name)
    page.goto(f"{base_url}/moderate/sites/{site.slug}/articles/{article_id}")
    expect(page.locator("table.recent tbody tr")).to_have_count(3)
    assert_accessible(page)
    page.get_by_label("Chiuso ai nuovi commenti").check()
    page.get_by_role("button", name="Salva l'articolo").click()
    expect(page.get_by_role("status")).to_contain_text("Articolo salvato.")
    db.session.rollback()
    article = db.session.scalars(select(Article)).one()
    assert article.closed
    assert article.updated_by == "direttrice"
