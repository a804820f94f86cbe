"""The review queue in a real browser: the keyboard, bulk actions, undo, filters, live updates
and conflicts between two moderators."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from models import Comment, CommentStatus, Site
from service.extensions import db
from tests.support.browser import screenshot, sign_in
from tests.support.factories import create_comment, create_site
from tests.support.web import create_web_moderator

SPAMMY = {"spam": [{"feature": "word: gratis", "weight": 1.2},
                   {"feature": "url domain: soldi.example", "weight": 0.8}], "ham": []}  # fmt: skip


def pending(site: Site, count: int, **fields) -> list[Comment]:  # type: ignore[no-untyped-def]
    body = fields.pop("body", "Commento numero {n}")
    return [
        create_comment(
            site, status=CommentStatus.PENDING, body=body.format(n=n), spam_score=0.5, **fields
        )  # fmt: skip
        for n in range(count)
    ]


def statuses() -> dict[str, int]:
    db.session.rollback()  # see the server's commits
    rows = db.session.execute(select(Comment.status, func.count()).group_by(Comment.status))
    return dict(rows.all())


def items(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("article.item")


def open_queue(context: BrowserContext, base_url: str, site: Site, path: str = "") -> Page:
    moderator = create_web_moderator(site)
    page = context.new_page()
    sign_in(page, base_url, moderator.name)
    if path:
        page.goto(f"{base_url}/moderate/{path}")
    return page


@contextmanager
def poll_every(app: Flask, seconds: float) -> Iterator[None]:
    previous = app.config["WEB_POLL_SECONDS"]
    app.config["WEB_POLL_SECONDS"] = seconds
    try:
        yield
    finally:
        app.config["WEB_POLL_SECONDS"] = previous


def test_a_queue_of_50_is_cleared_with_the_keyboard_alone_in_italian(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    pending(site, 50, author_email="lettore@example.it", author_ip="93.44.12.7",
            article_title="Via Roma, la nuova ciclabile", article_url="https://q.example/a",
            explanation=SPAMMY)  # fmt: skip
    page = open_queue(context, base_url, site)
    expect(items(page)).to_have_count(50)
    expect(page.locator("article.item.current")).to_be_focused()
    screenshot(page, "queue", full_page=False)
    for remaining in range(50, 0, -1):
        if remaining % 2:
            page.keyboard.press("a")
        else:
            page.keyboard.press("r")
            page.keyboard.press("3")  # off topic
        expect(items(page)).to_have_count(remaining - 1)
    expect(page.locator('[data-role="empty"]')).to_contain_text("Niente da rivedere")
    assert statuses() == {CommentStatus.APPROVED: 25, CommentStatus.REJECTED: 25}
    db.session.rollback()
    reasons = set(db.session.scalars(
        select(Comment.decision_reason).where(Comment.status == CommentStatus.REJECTED)
    ))  # fmt: skip
    assert reasons == {"off_topic"}


def test_j_and_k_move_and_x_selects(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    first, second, _ = pending(site, 3)
    page = open_queue(context, base_url, site)
    page.keyboard.press("j")
    expect(page.locator(f"#comment-{second.id}")).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator(f"#select-{second.id}")).to_be_checked()
    page.keyboard.press("k")
    expect(page.locator(f"#comment-{first.id}")).to_be_focused()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()


def test_bulk_reject_of_a_filtered_selection(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    spam = pending(site, 3, author_name="Spammer", body="Soldi facili, gratis!")
    keep = pending(site, 2, author_name="Lettrice")
    page = open_queue(context, base_url, site)
    page.locator("#q").fill("gratis")
    page.locator("#q").press("Enter")
    expect(items(page)).to_have_count(3)
    page.get_by_label("Seleziona tutti in questa pagina").check()
    page.locator("#bulk-reason").select_option("spam")
    page.get_by_role("button", name="Rifiuta i selezionati").click()
    expect(page.get_by_role("status").filter(has_text="3 decisi")).to_contain_text(
        "3 decisi, 0 in conflitto"
    )
    expect(items(page)).to_have_count(0)
    db.session.rollback()
    for comment in spam:
        db.session.refresh(comment)
        assert (comment.status, comment.decision_reason) == (CommentStatus.REJECTED, "spam")
    for comment in keep:
        db.session.refresh(comment)
        assert comment.status == CommentStatus.PENDING


def test_the_last_decision_is_undone_with_u(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    first, second = pending(site, 2)
    page = open_queue(context, base_url, site)
    page.keyboard.press("a")
    expect(items(page)).to_have_count(1)
    expect(page.get_by_role("button", name="Annulla")).to_be_visible()
    assert statuses() == {CommentStatus.APPROVED: 1, CommentStatus.PENDING: 1}
    page.keyboard.press("u")
    expect(items(page)).to_have_count(2)
    expect(page.locator(f"#comment-{first.id}")).to_be_focused()
    assert statuses() == {CommentStatus.PENDING: 2}


def test_filters_and_search(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    create_comment(site, status=CommentStatus.PENDING, body="Ottimo", spam_score=0.1)
    high = create_comment(site, status=CommentStatus.PENDING, body="Compra ora", spam_score=0.8)
    by_ip = create_comment(site, status=CommentStatus.PENDING, body="Ciao", spam_score=0.3,
                           author_ip="203.0.113.9")  # fmt: skip
    approved = create_comment(site, status=CommentStatus.APPROVED, body="Bene", spam_score=0.1)
    page = open_queue(context, base_url, site)
    expect(items(page)).to_have_count(3)
    expect(page.locator('.counts [data-status="pending"]')).to_have_text("3")
    page.get_by_text("Altri filtri").click()  # the panel is folded until a filter is set
    page.locator("#min").fill("0.5")
    page.get_by_role("button", name="Applica i filtri").click()
    expect(items(page)).to_have_count(1)
    expect(page.locator(f"#comment-{high.id}")).to_be_visible()
    page.get_by_role("link", name="Azzera").click()
    page.locator("#q").fill("203.0.113")
    page.locator("#q").press("Enter")
    expect(items(page)).to_have_count(1)
    expect(page.locator(f"#comment-{by_ip.id}")).to_be_visible()
    page.get_by_role("link", name="Azzera").click()
    page.get_by_text("Altri filtri").click()
    page.locator("#status").select_option("approved")
    page.locator("#order").select_option("score")
    page.get_by_role("button", name="Applica i filtri").click()
    expect(items(page)).to_have_count(1)
    expect(page.locator(f"#comment-{approved.id}")).to_be_visible()


def test_new_comments_appear_and_comments_decided_elsewhere_go(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    (elsewhere,) = pending(site, 1)
    page = open_queue(context, base_url, site)
    expect(items(page)).to_have_count(1)
    new = create_comment(site, status=CommentStatus.PENDING, body="Appena arrivato")
    expect(page.locator(f"#comment-{new.id}")).to_be_visible()
    db.session.refresh(elsewhere)
    elsewhere.status = CommentStatus.APPROVED  # another moderator, another web process
    elsewhere.version += 1
    db.session.commit()
    expect(page.locator(f"#comment-{elsewhere.id}")).to_have_count(0)
    expect(page.locator('.counts [data-status="pending"]')).to_have_text("1")


def test_two_moderators_decide_the_same_comment_and_the_second_sees_a_conflict(
    context: BrowserContext, base_url: str, pg_app: Flask
) -> None:
    site = create_site().site
    (comment,) = pending(site, 1)
    other = context.browser.new_context(locale="it-IT")  # type: ignore[union-attr]
    try:
        with poll_every(pg_app, 3600):  # both pages keep the comment on screen
            first = open_queue(context, base_url, site)
            second = open_queue(other, base_url, site)
            first.keyboard.press("a")
            expect(items(first)).to_have_count(0)
            second.keyboard.press("r")
            second.keyboard.press("1")
            expect(second.get_by_role("alert").first).to_contain_text("Qualcun altro")
            expect(second.locator(f"#comment-{comment.id}")).to_have_attribute(
                "data-status", CommentStatus.APPROVED
            )
            screenshot(second, "conflict", full_page=False)
    finally:
        other.close()
    db.session.refresh(comment)
    assert comment.status == CommentStatus.APPROVED  # the second decision overwrote nothing


def test_the_queue_works_on_a_phone(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    pending(site, 3, explanation=SPAMMY, body="Gratis! Visita soldi.example")
    page = open_queue(context, base_url, site)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(items(page)).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("article.item").first.get_by_role("button", name="Approva").click()
    expect(items(page)).to_have_count(2)
    screenshot(page, "queue-phone")
