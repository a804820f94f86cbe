"""The review queue on a laptop's screen: the compact list, the folding filters, the bulk bar
that stays in view, the pending count in the window's title, counts that agree after a live
update, and `/` leading to the queue."""

import re
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect

from models import ActorKind, Comment, CommentStatus, Site, utcnow
from service.extensions import db
from tests.support.browser import assert_accessible, screenshot, sign_in
from tests.support.factories import create_comment, create_site
from tests.support.web import create_web_moderator

LAPTOP = {"width": 1366, "height": 768}
LONG_BODY = (
    "Io in bici ci vado tutti i giorni, da vent'anni, con la pioggia e con il sole, e vi dico "
    "che la nuova pista di via Roma è una buona notizia solo se qualcuno pensa anche alle "
    "rastrelliere, ai semafori e alla manutenzione, che in questa città manca da sempre. "
) * 3


def held(site: Site, count: int, **fields) -> list[Comment]:  # type: ignore[no-untyped-def]
    """`count` comments the classifier held for review, as it holds them."""
    fields = {"body": LONG_BODY, "spam_score": 0.42, "decision_reason": "uncertain",
              "decided_by_kind": ActorKind.CLASSIFIER, "decided_by": "classifier",
              "decided_at": utcnow(), "author_email": "lettore.assiduo@example.it",
              "author_ip": "93.44.12.7", "article_title": "Via Roma, la nuova ciclabile",
              "article_url": "https://quotidiano.example/ciclabile"} | fields  # fmt: skip
    return [
        create_comment(site, status=CommentStatus.PENDING, author_name=f"Lettore {n}", **fields)
        for n in range(count)
    ]


def open_queue(context: BrowserContext, base_url: str, site: Site) -> Page:
    page = context.new_page()
    page.set_viewport_size(LAPTOP)
    sign_in(page, base_url, create_web_moderator(site).name)
    return page


def rows_fully_in_view(page: Page) -> int:
    """How many comment rows lie wholly inside the window, as it is scrolled now."""
    return int(page.evaluate(
        """() => Array.from(document.querySelectorAll("article.item")).filter((item) => {
             const box = item.getBoundingClientRect();
             return box.top >= 0 && box.bottom <= window.innerHeight;
           }).length"""
    ))  # fmt: skip


def test_the_compact_list_shows_at_least_8_readable_comments_on_a_laptop(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    held(site, 14)
    page = open_queue(context, base_url, site)
    expect(page.locator("article.item")).to_have_count(14)
    expect(page.locator(".items")).to_have_class(re.compile(r"\bcompact\b"))
    assert rows_fully_in_view(page) >= 8
    body = page.locator("article.item .body").first
    assert float(body.evaluate("b => parseFloat(getComputedStyle(b).fontSize)")) >= 13
    assert body.evaluate("b => b.getBoundingClientRect().height") < 3 * 13 * 1.6  # two lines
    # The decisions are in reach on every row shown.
    eighth = page.locator("article.item").nth(7)
    expect(eighth.get_by_role("button", name="Approva")).to_be_in_viewport()
    screenshot(page, "queue-compact-1366x768", full_page=False)
    assert_accessible(page)
    # The rest of a comment opens in place (and its words were there all along).
    first = page.locator("article.item").first
    first.get_by_role("button", name="Espandi Lettore 0").click()
    expect(first).to_have_class(re.compile(r"\bexpanded\b"))
    expect(first.get_by_role("button", name="Riduci Lettore 0")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(first.locator(".article")).to_be_visible()
    assert first.locator(".body").evaluate("b => b.getBoundingClientRect().height") > 3 * 13 * 1.6
    assert_accessible(page)


def test_the_density_switch_is_remembered_across_pages(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    held(site, 12)
    page = open_queue(context, base_url, site)
    switch = page.get_by_role("button", name="Elenco compatto")
    expect(switch).to_have_attribute("aria-pressed", "true")
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".items")).not_to_have_class(re.compile(r"\bcompact\b"))
    assert rows_fully_in_view(page) < 8  # the comfortable list shows everything of each
    assert_accessible(page)
    page.reload()
    expect(page.locator(".items")).not_to_have_class(re.compile(r"\bcompact\b"))
    page.keyboard.press("v")
    expect(page.locator(".items")).to_have_class(re.compile(r"\bcompact\b"))
    page.reload()
    expect(page.locator(".items")).to_have_class(re.compile(r"\bcompact\b"))


def test_the_filter_panel_folds_and_unfolds(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    held(site, 2)
    low = held(site, 1, spam_score=0.05)[0]
    page = open_queue(context, base_url, site)
    expect(page.locator("#q")).to_be_visible()  # the search stays out
    expect(page.locator("#min")).to_be_hidden()
    page.get_by_text("Altri filtri").click()
    expect(page.locator("#min")).to_be_visible()
    page.locator("#max").fill("0.1")
    page.get_by_role("button", name="Applica i filtri").click()
    expect(page.locator("article.item")).to_have_count(1)
    expect(page.locator(f"#comment-{low.id}")).to_be_visible()
    expect(page.locator("#max")).to_be_visible()  # a filter is set: the panel shows it
    page.get_by_text("Altri filtri").click()
    expect(page.locator("#max")).to_be_hidden()


def test_the_bulk_bar_stays_in_view_while_the_list_scrolls(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    held(site, 30)
    page = open_queue(context, base_url, site)
    expect(page.locator("article.item")).to_have_count(30)
    page.locator("article.item").last.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 500
    bar = page.locator("#bulk").bounding_box()
    assert bar is not None
    assert bar["y"] >= 0
    assert bar["y"] + bar["height"] <= LAPTOP["height"]
    expect(page.get_by_role("button", name="Rifiuta i selezionati")).to_be_in_viewport()
    # Nothing of the list hides under it: the row the keys go to is shown below the bar.
    page.keyboard.press("j")  # to the second, far above
    current = page.locator("article.item.current").bounding_box()
    assert current is not None
    assert current["y"] >= bar["y"] + bar["height"]


def test_the_title_carries_the_pending_count_and_follows_decisions(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    held(site, 3)
    page = open_queue(context, base_url, site)
    expect(page).to_have_title(re.compile(r"^\(3\) Coda di revisione"))
    page.keyboard.press("a")
    expect(page).to_have_title(re.compile(r"^\(2\) Coda di revisione"))
    page.keyboard.press("a")
    expect(page).to_have_title(re.compile(r"^\(1\) Coda di revisione"))
    page.keyboard.press("a")
    expect(page).to_have_title(re.compile(r"^Coda di revisione · Moderato$"))


def test_after_a_live_update_the_bulk_bar_and_the_counts_agree(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    comments = held(site, 13)
    page = open_queue(context, base_url, site)
    expect(page.locator('[data-role="matching-count"]')).to_have_text("13")
    comments[0].status = CommentStatus.APPROVED  # another moderator, another web process
    comments[0].version += 1
    db.session.commit()
    expect(page.locator(".counts [data-status='pending']")).to_have_text("12")
    expect(page.locator('[data-role="matching-count"]')).to_have_text("12")
    expect(page.get_by_text("o tutti i 12 del filtro")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^\(12\) "))


def test_the_root_leads_to_the_queue(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    page = context.new_page()
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/moderate/login")))
    sign_in(page, base_url, create_web_moderator(site).name)
    page.goto(f"{base_url}/")
    expect(page).to_have_url(f"{base_url}/moderate/")


def test_a_held_comment_says_in_italian_what_happened_to_it(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    (comment,) = held(site, 1, decided_at=utcnow() - timedelta(minutes=5))
    page = open_queue(context, base_url, site)
    page.get_by_role("button", name="Elenco compatto").click()  # every label shown
    status = page.locator(f"#comment-{comment.id} .status")
    expect(status).to_have_text(
        "In attesa di revisione, trattenuto dal classificatore: Punteggio incerto"
    )
    page.goto(f"{base_url}/moderate/comments/{comment.id}")
    facts = page.locator("dl.facts")
    expect(facts.locator("dd.status")).to_have_text(
        "In attesa di revisione, trattenuto dal classificatore: Punteggio incerto"
    )
    expect(facts).to_contain_text("In attesa dal")
    expect(facts).not_to_contain_text("Deciso")


def test_a_decided_comment_says_who_decided_it(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    (comment,) = held(site, 1)
    page = context.new_page()
    moderator = create_web_moderator(site)
    sign_in(page, base_url, moderator.name)
    page.keyboard.press("a")
    expect(page.locator("article.item")).to_have_count(0)
    page.goto(f"{base_url}/moderate/comments/{comment.id}")
    expect(page.locator("dl.facts dd.status")).to_have_text(f"Approvato da {moderator.name}")
    expect(page.locator("dl.facts")).to_contain_text("Deciso")
    history = page.locator("table.history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("In attesa di revisione → Approvato")
