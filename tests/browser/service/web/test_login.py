"""Signing in, in a real browser, in Italian and in English."""

from playwright.sync_api import BrowserContext, expect

from tests.support.browser import screenshot, sign_in
from tests.support.factories import create_site
from tests.support.web import create_web_moderator


def test_a_moderator_signs_in_and_out(context: BrowserContext, base_url: str) -> None:
    alice = create_web_moderator(create_site().site)
    page = context.new_page()
    page.goto(f"{base_url}/moderate/")
    expect(page).to_have_url(f"{base_url}/moderate/login?next=/moderate/?")
    screenshot(page, "login")
    sign_in(page, base_url, alice.name)
    expect(page.get_by_role("heading", level=1)).to_have_text("Coda di revisione")
    cookie = next(c for c in context.cookies() if c["name"] == "moderato_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Esci").click()
    expect(page).to_have_url(f"{base_url}/moderate/login")


def test_a_wrong_password_says_so(context: BrowserContext, base_url: str) -> None:
    alice = create_web_moderator(create_site().site)
    page = context.new_page()
    page.goto(f"{base_url}/moderate/login")
    page.locator("#name").fill(alice.name)
    page.locator("#password").fill("sbagliata")
    page.locator("#password").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Nome e password errati")


def test_pages_are_in_italian_or_english(context: BrowserContext, base_url: str) -> None:
    alice = create_web_moderator(create_site().site)
    page = context.new_page()
    sign_in(page, base_url, alice.name)
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("button", name="Applica i filtri")).to_be_visible()
    page.get_by_label("Lingua").select_option("en")
    page.get_by_role("button", name="Cambia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    screenshot(page, "queue-english")


def test_an_english_browser_gets_english_pages(browser, base_url: str, pg_app) -> None:  # type: ignore[no-untyped-def]
    alice = create_web_moderator(create_site().site)
    english = browser.new_context(locale="en-GB")
    try:
        page = english.new_page()
        sign_in(page, base_url, alice.name)
        expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    finally:
        english.close()
