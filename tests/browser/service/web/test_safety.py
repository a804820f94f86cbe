"""What a hostile comment or page cannot do in a moderator's browser."""

from playwright.sync_api import BrowserContext, Dialog, expect

from models import CommentStatus
from tests.support.browser import screenshot, sign_in
from tests.support.factories import create_comment, create_site
from tests.support.web import create_web_moderator

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_a_hostile_body_shows_as_text_and_opens_no_dialog(
    context: BrowserContext, base_url: str
) -> None:
    site = create_site().site
    comment = create_comment(site, status=CommentStatus.PENDING, body=XSS, author_name=XSS[:40],
                             article_title=XSS, spam_score=0.95,
                             explanation={"spam": [{"feature": "word: alert", "weight": 2.0}],
                                          "ham": []})  # fmt: skip
    dialogs: list[Dialog] = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
    moderator = create_web_moderator(site)
    sign_in(page, base_url, moderator.name)
    body = page.locator(f"#comment-{comment.id} .body")
    expect(body).to_have_text(XSS)
    expect(body.locator("mark")).to_have_text(["alert", "alert"])
    expect(page.locator("script:not([src])")).to_have_count(0)
    expect(page.locator(f"#comment-{comment.id} img")).to_have_count(0)
    page.reload()  # and once more after the live update has re-rendered the items
    page.wait_for_timeout(1500)
    screenshot(page, "hostile-comment", full_page=False)
    assert dialogs == []


def test_a_post_without_the_csrf_token_is_refused(context: BrowserContext, base_url: str) -> None:
    site = create_site().site
    comment = create_comment(site, status=CommentStatus.PENDING)
    page = context.new_page()
    sign_in(page, base_url, create_web_moderator(site).name)
    # The signed-in browser's cookie goes along, but without the page's token: a forged request.
    status = page.evaluate(
        """async ([url, tag]) => (await fetch(url, {method: "POST", credentials: "same-origin",
            headers: {"If-Match": tag}})).status""",
        [f"{base_url}/moderate/comments/{comment.id}/approve", f'"{comment.id}-1"'],
    )
    assert status == 400
    forged = context.request.post(f"{base_url}/moderate/logout")
    assert forged.status == 400
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coda di revisione")  # still in


def test_a_moderator_of_another_site_gets_a_404_for_a_comments_page(
    context: BrowserContext, base_url: str
) -> None:
    mine, theirs = create_site().site, create_site().site
    comment = create_comment(theirs, status=CommentStatus.PENDING, body="Riservato")
    page = context.new_page()
    sign_in(page, base_url, create_web_moderator(mine).name)
    response = page.goto(f"{base_url}/moderate/comments/{comment.id}")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Riservato")
    own = create_comment(mine, status=CommentStatus.PENDING, body="Mio")
    response = page.goto(f"{base_url}/moderate/comments/{own.id}")
    assert response is not None
    assert response.status == 200
