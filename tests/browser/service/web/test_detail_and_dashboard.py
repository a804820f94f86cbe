"""The comment detail, author and dashboard pages in chromium: what a moderator sees and does
there, in Italian; axe-core on each; screenshots of the detail page and the dashboard."""

from datetime import timedelta

from playwright.sync_api import BrowserContext, expect

from models import CommentStatus, ModerationEvent, Moderator
from service.accounts.auth import moderator_ref
from service.extensions import db
from service.moderation import gate
from service.moderation.assessment import Scored
from service.moderation.changes import CLASSIFIER, Change
from service.moderation.review import actions as queue
from tests.support.browser import assert_accessible, screenshot, sign_in
from tests.support.factories import create_comment, create_site
from tests.support.web import create_web_moderator

ARTICLE = {
    "article_id": "2026/12/ciclabile",
    "article_url": "https://quotidiano.example/ciclabile",
    "article_title": "Via Roma, al via i lavori per la nuova pista ciclabile",
}
SPAM = {
    "spam": [
        {"kind": "word", "text": "gratis", "weight": 1.9},
        {"kind": "domain", "text": "bonus-casino.example", "weight": 1.4},
        {"kind": "signal", "name": "links", "weight": 0.6},
    ],
    "ham": [{"feature": "word: via", "weight": -0.3}],  # as stored before items were data
}
PROMO = {"author_name": "Offerte Top", "author_email": "promo@bonus-casino.example",
         "author_ip": "185.220.101.4"}  # fmt: skip


def classified(site, status: str, days_ago: int = 0, **fields):  # type: ignore[no-untyped-def]
    """A comment the classifier decided (through the gate), its entry `days_ago`."""
    comment = create_comment(site, **ARTICLE, **fields)
    score = 0.93 if status == CommentStatus.REJECTED else 0.1 if status == "approved" else 0.6
    reason = {"rejected": "spam", "approved": "not_spam"}.get(status, "uncertain")
    scored = Scored(score, "v20261201", fields.get("explanation"))
    gate.transition([Change(comment.id, "queued", status, reason, CLASSIFIER, scored=scored)])
    db.session.commit()
    if days_ago:
        for event in db.session.query(ModerationEvent).filter_by(comment_id=comment.id):
            event.created_at -= timedelta(days=days_ago)
        db.session.commit()
    return comment


def test_the_detail_page_shows_the_whole_story_and_decides_all_of_an_authors_comments(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site("Il Quotidiano").site
    redazione = create_web_moderator(site, "redazione")
    parent = classified(site, "approved", author_name="Giulia Rossi", body="Finalmente!")
    comment = classified(
        site, "pending", parent_id=parent.id, explanation=SPAM,
        body="Guadagna 500 euro al giorno GRATIS su bonus-casino.example !!!", **PROMO,
    )  # fmt: skip
    classified(site, "pending", body="Bonus GRATIS per te", **PROMO)
    classified(site, "rejected", body="Ancora bonus", **PROMO)
    create_comment(
        site, status="pending", parent_id=comment.id, author_name="Marco", body="Segnalato.",
        **ARTICLE,
    )  # fmt: skip
    page = context.new_page()
    sign_in(page, base_url, redazione.name)

    page.goto(f"{base_url}/moderate/comments/{comment.id}")

    expect(page.get_by_role("heading", name=f"Commento {comment.id}")).to_be_visible()
    expect(page.locator(".body mark").first).to_have_text("GRATIS")
    expect(page.get_by_role("heading", name="Cronologia")).to_be_visible()
    expect(page.locator("table.history tbody tr")).to_have_count(1)
    expect(page.locator(".thread-parent")).to_contain_text("Giulia Rossi")
    expect(page.locator("ol.replies li")).to_contain_text("Marco")
    spam_rows = page.locator(".features-table").first.locator("tbody tr")
    expect(spam_rows).to_have_text(
        [
            "gratisparola1.90",
            "bonus-casino.exampledominio del link1.40",
            "link nel testosegnale0.60",
        ]
    )
    expect(page.locator(".features-table").nth(1)).to_contain_text("viaparola-0.30")
    expect(
        page.get_by_role("heading", name="Per e-mail promo@bonus-casino.example")
    ).to_be_visible()
    screenshot(page, "comment-detail")
    assert_accessible(page)

    page.locator(".author-record").first.get_by_role(
        "button", name="Rifiuta tutti i suoi 2 commenti in attesa"
    ).click()

    expect(page.locator(".flash")).to_have_text("2 decisi, 0 in conflitto.")
    expect(page.locator(".detail .status").first).to_contain_text("Rifiutato")
    expect(page.locator("table.history tbody tr")).to_have_count(2)


def test_reverse_then_undo_from_the_detail_page(context: BrowserContext, base_url: str) -> None:
    site = create_site("Il Quotidiano").site
    redazione = create_web_moderator(site, "redazione")
    comment = classified(site, "approved", body="Un commento innocuo")
    page = context.new_page()
    sign_in(page, base_url, redazione.name)
    page.goto(f"{base_url}/moderate/comments/{comment.id}")

    page.get_by_label("Offensivo").check()
    page.get_by_role("button", name="Ribalta: rifiuta").click()
    expect(page.locator(".flash")).to_have_text("Il commento è rifiutato.")
    page.get_by_role("button", name="Annulla la mia ultima decisione").click()

    expect(page.locator(".flash")).to_have_text("Decisione annullata.")
    expect(page.locator(".detail .status").first).to_contain_text("Approvato")
    expect(page.locator("table.history tbody tr")).to_have_count(3)
    expect(page.get_by_role("button", name="Conferma: non è spam")).to_be_visible()


def test_the_dashboard_draws_its_charts_for_all_sites_and_one(
    context: BrowserContext, base_url: str
) -> None:
    quotidiano, sport = create_site("Il Quotidiano").site, create_site("Sport").site
    redazione = create_web_moderator([quotidiano, sport], "redazione")
    ref = moderator_ref(db.session.query(Moderator).filter_by(name=redazione.name).one())
    for days_ago in range(6):
        for number in range(days_ago + 2):
            site = quotidiano if number % 2 else sport
            status = "rejected" if number % 3 == 0 else "approved"
            comment = classified(site, status, days_ago, body=f"Commento {days_ago}-{number}")
            if number == 1:  # a moderator disagrees with the classifier
                reverse = queue.reject_comment if status == "approved" else queue.approve_comment
                kwargs = {"reason": "spam"} if status == "approved" else {}
                reverse(comment.id, ref, **kwargs)
    for _ in range(3):
        classified(quotidiano, "pending", body="In attesa")
    page = context.new_page()
    sign_in(page, base_url, redazione.name)

    page.get_by_role("link", name="Quadro").click()

    expect(page.get_by_role("heading", name="Quadro: tutti i miei siti")).to_be_visible()
    expect(page.locator("svg.chart-svg")).to_have_count(3)
    expect(page.locator(".card").first).to_contain_text("3")
    expect(page.locator("svg.chart-svg rect.series-classifier").first).to_be_visible()
    expect(page.get_by_role("heading", name="Per sito")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 1600})
    screenshot(page, "dashboard")
    assert_accessible(page)

    page.get_by_label("Sito", exact=True).select_option(sport.slug)
    page.get_by_role("button", name="Mostra").click()
    expect(page.get_by_role("heading", name=f"Quadro: {sport.slug}")).to_be_visible()
    assert_accessible(page)


def test_the_author_page_on_a_phone(context: BrowserContext, base_url: str) -> None:
    site = create_site("Il Quotidiano").site
    redazione = create_web_moderator(site, "redazione")
    for body in ("Primo", "Secondo"):
        classified(site, "pending", body=body, **PROMO)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base_url, redazione.name)
    page.goto(f"{base_url}/moderate/authors?ip=185.220.101.4")
    expect(page.locator("table.recent tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
