"""axe-core finds no serious or critical violation on the pages (detail and dashboard pages
call the same `assert_accessible`)."""

import pytest
from playwright.sync_api import BrowserContext, expect

from models import CommentStatus
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
        {"feature": "word: gratis", "weight": 1.9},
        {"feature": "url domain: bonus-casino.example", "weight": 1.4},
        {"feature": "word: guadagna", "weight": 0.9},
    ],
    "ham": [],
}
HELD = [
    {
        "author_name": "Marco B.", "author_email": "marco.b@example.it",
        "author_ip": "93.44.12.7", "spam_score": 0.31, "decision_reason": "uncertain",
        "body": "D'accordo, ma i parcheggi di via Roma dove finiscono?",
        "explanation": {"spam": [{"feature": "length", "weight": 0.2}], "ham": []},
    },
    {
        "author_name": "Offerte Top", "author_email": "promo@bonus-casino.example",
        "author_ip": "185.220.101.4", "spam_score": 0.84, "decision_reason": "uncertain",
        "body": "Guadagna 500 euro al giorno GRATIS su bonus-casino.example !!!",
        "explanation": SPAM,
    },
    {
        "author_name": "Anna", "author_ip": "2001:db8::7", "spam_score": 0.12,
        "decision_reason": "pre_moderation",
        "body": "Io in bici ci vado tutti i giorni: servono più rastrelliere.",
    },
]  # fmt: skip


def realistic_queue(site) -> None:  # type: ignore[no-untyped-def]
    """A morning's held comments: a reply, links, a range of scores and reasons."""
    parent = create_comment(
        site, status=CommentStatus.APPROVED, author_name="Giulia Rossi",
        body="Finalmente! Speriamo che finiscano prima dell'estate.", **ARTICLE,
    )  # fmt: skip
    for number, fields in enumerate(HELD):
        create_comment(
            site, status=CommentStatus.PENDING, classifier_version="v20261201",
            parent_id=parent.id if number == 0 else None, **ARTICLE, **fields,
        )  # fmt: skip


def test_the_queue_page_has_no_serious_accessibility_violation(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site("Il Quotidiano").site
    realistic_queue(site)
    page = context.new_page()
    sign_in(page, base_url, create_web_moderator(site, "redazione").name)
    expect(page.locator("article.item")).to_have_count(3)
    screenshot(page, "queue-readme", full_page=False)
    assert_accessible(page)
    page.keyboard.press("r")  # the reject panel open
    assert_accessible(page)
    page.keyboard.press("Escape")
    page.keyboard.press("?")  # the help dialog
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_accessible(page)


def test_the_sign_in_page_has_no_serious_accessibility_violation(
    context: BrowserContext, base_url: str
) -> None:
    page = context.new_page()
    page.goto(f"{base_url}/moderate/login")
    assert_accessible(page)


def test_the_check_does_report_violations_where_there_are_some(context: BrowserContext) -> None:
    # Guards the tests above against passing for the wrong reason (an axe that finds nothing).
    page = context.new_page()
    page.set_content('<html><body><button></button><input type="text"></body></html>')
    with pytest.raises(AssertionError, match="button-name"):
        assert_accessible(page)
