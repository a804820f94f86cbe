"""WordPress and Moderato in step, with Moderato's full plugin in a real WordPress (Debian's
package, its Akismet plugin unchanged), connected by `moderato wordpress connect`: decisions
made in Moderato reach WordPress through signed webhooks, decisions made in WordPress reach
Moderato through the plugin's reports."""

import base64
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from typing import Any

import pytest
from flask import Flask
from standardwebhooks import Webhook

from models import Comment, CommentStatus
from service.extensions import db
from service.learning.corpus import get_site_labels
from tests.e2e.wordpress.conftest import Moderato, Newsroom, Store, running_moderato
from tests.support.processes import free_port, port_open, wait_for
from tests.support.wordpress.site import WordPress, installed_wordpress

pytestmark = pytest.mark.worker

# The keyword classifier (see the `moderato` fixture) holds this one for a human (score 0.5).
UNCERTAIN = "Per chi vuole saperne di più: iscriviti alla newsletter del Comune sul progetto"
PUBLISHED = "Finalmente una pista ciclabile in via Roma, speriamo che i lavori finiscano presto"
IN_STEP_SECONDS = 2.0  # the bound: a decision is live in WordPress within 2 s
DEFINE = re.compile(r"^define\( '(\w+)', '([^']*)' \);$", re.M)
EVENTS_PATH = "/wp-json/moderato/v1/events"
NEWSROOM_MODERATOR = "redazione"  # the `newsroom` fixture's moderator


@pytest.fixture(scope="module")
def moderato(
    app_factory: dict[str, Flask], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Moderato]:
    """Moderato as in the other WordPress tests, delivering webhooks to loopback addresses,
    retrying from one second on, doubling (so a minute's outage costs a test about two), and
    seeing a new endpoint at once."""
    with running_moderato(
        app_factory, tmp_path_factory,
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES="true", WEBHOOK_RETRY_SECONDS=1,
        WEBHOOK_SWEEP_INTERVAL_SECONDS=1, WEBHOOK_SUBSCRIPTIONS_CACHE_SECONDS=0,
    ) as started:  # fmt: skip
        yield started


@pytest.fixture(scope="module")
def connection(moderato: Moderato, newsroom: Newsroom) -> dict[str, str]:
    """What `moderato wordpress connect` printed for a WordPress about to be installed: its
    wp-config.php constants, and the address the WordPress will have (`WP_URL`)."""
    url = f"http://127.0.0.1:{free_port()}"
    output = moderato.cli(
        "wordpress", "connect", "--site", newsroom.slug, "--url", url,
        "--moderato-url", moderato.api_url, "--akismet-url", moderato.akismet_url,
        "--akismet-key", newsroom.akismet_key,
    )  # fmt: skip
    constants = dict(DEFINE.findall(output))
    assert set(constants) == {
        "MODERATO_URL", "MODERATO_SITE_KEY", "MODERATO_AKISMET_KEY", "MODERATO_WEBHOOK_SECRET",
        "MODERATO_AKISMET_URL",
    }, output  # fmt: skip
    return constants | {"WP_URL": url}


@pytest.fixture(scope="module")
def wordpress(
    connection: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WordPress]:
    """A fresh WordPress with Moderato's plugin active, configured by the constants `moderato
    wordpress connect` printed (the Akismet key among them: nothing typed into Akismet's page)."""
    constants = {name: value for name, value in connection.items() if name != "WP_URL"}
    port = int(connection["WP_URL"].rsplit(":", 1)[1])
    with installed_wordpress(
        None, tmp_path_factory.mktemp("wordpress"), port=port, constants=constants,
        full_plugin=True,
    ) as site:  # fmt: skip
        yield site


def held_comment(wordpress: WordPress, store: Store, marker: str) -> tuple[dict, dict]:
    """Post an uncertain comment through the comment form; it waits in both queues. The
    WordPress comment (which knows Moderato's guid) and Moderato's."""
    wordpress.post_comment(f"{UNCERTAIN} ({marker})", "Lucia", "lucia@example.it")
    in_wordpress = wordpress.comment(marker)
    assert in_wordpress["status"] == "unapproved"
    assert in_wordpress["meta"]["moderato_guid"]
    stored = store.wait_comment(marker)
    assert stored["status"] == CommentStatus.PENDING
    return in_wordpress, stored


def decide(
    moderato: Moderato, newsroom: Newsroom, comment_id: int, action: str, **body: str
) -> Any:
    """A moderator's decision through Moderato's API (`approve`, or `reject` with a reason)."""
    path = f"/api/v1/moderation/comments/{comment_id}/{action}"
    return moderato.api(path, newsroom.moderator_token, body)


def status_within(wordpress: WordPress, marker: str, seconds: float) -> Callable[[str], bool]:
    """A check that the WordPress comment reaches a status within `seconds` (polled)."""

    def reaches(status: str) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            if wordpress.comment(marker)["status"] == status:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)

    return reaches


def test_a_comment_approved_in_moderato_s_web_ui_is_published_in_wordpress_within_2_seconds(
    wordpress: WordPress, moderato: Moderato, newsroom: Newsroom, store: Store
) -> None:
    _, stored = held_comment(wordpress, store, "approvato in Moderato")
    article = wordpress.request("/?p=1").body
    assert "approvato in Moderato" not in article  # awaiting moderation: not shown
    web = WebUI(moderato.api_url, CookieJar())
    web.sign_in(moderato, NEWSROOM_MODERATOR)

    web.approve(stored["id"])

    assert status_within(wordpress, "approvato in Moderato", IN_STEP_SECONDS)("approved")
    assert "approvato in Moderato" in wordpress.request("/?p=1").body
    assert store.comment("approvato in Moderato")["decided_by_kind"] == "moderator"  # type: ignore[index]


@pytest.mark.parametrize(
    ("reason", "in_wordpress"), [("spam", "spam"), ("abuse", "trash")], ids=["spam", "abuse"]
)
def test_a_rejection_marks_the_comment_spam_or_trash_as_mapped(
    wordpress: WordPress,
    moderato: Moderato,
    newsroom: Newsroom,
    store: Store,
    reason: str,
    in_wordpress: str,
) -> None:
    marker = f"respinto per {reason}"
    _, stored = held_comment(wordpress, store, marker)

    decide(moderato, newsroom, stored["id"], "reject", reason=reason)

    assert status_within(wordpress, marker, IN_STEP_SECONDS)(in_wordpress)


def test_bulk_decisions_and_an_undo_reach_wordpress_too(
    wordpress: WordPress, moderato: Moderato, newsroom: Newsroom, store: Store
) -> None:
    _, first = held_comment(wordpress, store, "primo di due")
    _, second = held_comment(wordpress, store, "secondo di due")
    items = [{"id": first["id"]}, {"id": second["id"]}]

    moderato.api("/api/v1/moderation/bulk", newsroom.moderator_token,
                 {"action": "reject", "reason": "spam", "items": items})  # fmt: skip

    assert status_within(wordpress, "primo di due", IN_STEP_SECONDS)("spam")
    assert status_within(wordpress, "secondo di due", IN_STEP_SECONDS)("spam")

    decide(moderato, newsroom, first["id"], "undo")

    assert status_within(wordpress, "primo di due", IN_STEP_SECONDS)("unapproved")
    assert wordpress.comment("secondo di due")["status"] == "spam"


def test_a_site_s_mapping_sends_a_rejection_where_it_chose(
    wordpress: WordPress, moderato: Moderato, newsroom: Newsroom, store: Store
) -> None:
    wordpress.php("set-option-json", "moderato_status_map", json.dumps({"abuse": "spam"}))
    try:
        _, stored = held_comment(wordpress, store, "offensivo, nello spam")
        decide(moderato, newsroom, stored["id"], "reject", reason="abuse")
        assert status_within(wordpress, "offensivo, nello spam", IN_STEP_SECONDS)("spam")
    finally:
        wordpress.php("set-option-json", "moderato_status_map", "{}")


def test_approving_a_held_comment_in_wordpress_is_a_wordpress_decision_and_a_label(
    wordpress: WordPress, store: Store
) -> None:
    in_wordpress, stored = held_comment(wordpress, store, "approvato in WordPress")

    wordpress.php("set-status", str(in_wordpress["id"]), "approve", wordpress.admin)

    assert wordpress.comment("approvato in WordPress")["meta"]["moderato_report"] == []  # sent
    decided = store.comment("approvato in WordPress")
    assert decided is not None
    assert (decided["status"], decided["decided_by_kind"], decided["decided_by"]) == (
        CommentStatus.APPROVED, "wordpress", wordpress.admin,
    )  # fmt: skip
    assert decided["events"][-1]["actor_kind"] == "wordpress"
    with store.app.app_context():
        labels = get_site_labels(site_id_of(stored["id"]))
    assert (decided["body"], 0) in zip(labels.texts, labels.labels, strict=True)
    # Moderato's webhook about this change is one WordPress has: it stays approved.
    time.sleep(IN_STEP_SECONDS)
    assert wordpress.comment("approvato in WordPress")["status"] == "approved"


def test_trashing_a_published_comment_in_wordpress_and_restoring_it_reach_moderato(
    wordpress: WordPress, store: Store
) -> None:
    wordpress.post_comment(f"{PUBLISHED} (cestinato)", "Marco", "marco@example.it")
    published = wordpress.comment("(cestinato)")
    assert published["status"] == "approved"
    assert store.wait_comment("(cestinato)")["status"] == CommentStatus.APPROVED

    wordpress.php("set-status", str(published["id"]), "trash", wordpress.admin)

    decided = store.comment("(cestinato)")
    assert decided is not None
    assert (decided["status"], decided["decided_by_kind"], decided["decided_by"]) == (
        CommentStatus.REJECTED, "wordpress", wordpress.admin,
    )  # fmt: skip
    assert decided["events"][-1]["reason"] == "other"
    with store.app.app_context():
        labels = get_site_labels(site_id_of(decided["id"]))
    assert (decided["body"], 1) in zip(labels.texts, labels.labels, strict=True)
    time.sleep(IN_STEP_SECONDS)  # no echo: still in the trash, not moved by Moderato's webhook
    assert wordpress.comment("(cestinato)")["status"] == "trash"

    wordpress.php("set-status", str(published["id"]), "untrash", wordpress.admin)

    assert wordpress.comment("(cestinato)")["status"] == "approved"  # where it was before
    restored = store.comment("(cestinato)")
    assert restored is not None
    assert (restored["status"], restored["decided_by_kind"]) == (
        CommentStatus.APPROVED, "wordpress",
    )  # fmt: skip


def test_reports_wait_while_moderato_is_unreachable_and_are_sent_in_order_by_wp_cron(
    wordpress: WordPress, store: Store, moderato: Moderato
) -> None:
    first, _ = held_comment(wordpress, store, "mentre Moderato era giù")
    second, _ = held_comment(wordpress, store, "anche questo mentre era giù")
    web = moderato.processes[0]
    web.stop()
    try:
        wordpress.php("set-status", str(first["id"]), "approve", wordpress.admin)
        wordpress.php("set-status", str(second["id"]), "approve", wordpress.admin)
        wordpress.php("set-status", str(first["id"]), "trash", wordpress.admin)  # the last word
        queued = wordpress.comment("mentre Moderato era giù")["meta"]["moderato_report"]
        assert [report["status"] for report in queued] == ["approved", "trash"]  # kept
        assert wordpress.php("scheduled", "moderato_retry_reports")  # WP-Cron will try again
    finally:
        web.start()
    port = int(moderato.api_url.rsplit(":", 1)[1])
    wait_for(lambda: port_open(port) and answers(moderato.api_url), 90)

    wordpress.php("run-hook", "moderato_retry_reports")  # what WP-Cron runs when it is due

    assert wordpress.comment("mentre Moderato era giù")["meta"]["moderato_report"] == []
    decided = store.comment("mentre Moderato era giù")
    assert decided is not None
    assert (decided["status"], decided["decided_by_kind"]) == (CommentStatus.REJECTED, "wordpress")
    assert [e["to_status"] for e in decided["events"][-2:]] == ["approved", "rejected"]
    other = store.comment("anche questo mentre era giù")
    assert other is not None
    assert (other["status"], other["decided_by_kind"]) == (CommentStatus.APPROVED, "wordpress")


DOWN_SECONDS = 60  # the outage: WordPress down for a minute


def test_decisions_made_while_wordpress_is_down_arrive_in_order_once_it_is_back(
    wordpress: WordPress,
    moderato: Moderato,
    newsroom: Newsroom,
    store: Store,
    connection: dict[str, str],
) -> None:
    _, first = held_comment(wordpress, store, "deciso due volte")
    _, second = held_comment(wordpress, store, "deciso a WordPress spento")
    wordpress.server.stop()
    try:
        decide(moderato, newsroom, first["id"], "approve")
        decide(moderato, newsroom, second["id"], "reject", reason="abuse")
        decide(moderato, newsroom, first["id"], "reject", reason="spam")  # the last word
        time.sleep(DOWN_SECONDS)  # attempts fail and are retried meanwhile
    finally:
        wordpress.server.start()
    wait_for(lambda: port_open(int(wordpress.url.rsplit(":", 1)[1])), 30)

    # The back-off doubles from 1 s: the attempt after a minute's outage comes within another.
    wait_for(lambda: wordpress.comment("deciso a WordPress spento")["status"] == "trash", 120)
    wait_for(lambda: wordpress.comment("deciso due volte")["status"] == "spam", 120)
    final = store.comment("deciso due volte")
    assert final is not None
    assert final["status"] == CommentStatus.REJECTED
    # Every delivery made it, none is left to be retried, and the last applied is the latest.
    deliveries = fetch_deliveries(moderato, connection["MODERATO_SITE_KEY"])
    mine = [d for d in deliveries if d["comment_id"] in (first["id"], second["id"])]
    assert {d["status"] for d in mine} == {"delivered"}
    assert max(d["attempts"] for d in mine) >= 2  # WordPress was down for the first attempts
    versions = [d["payload"]["data"]["version"] for d in mine
                if d["comment_id"] == first["id"]]  # fmt: skip
    assert int(wordpress.comment("deciso due volte")["meta"]["moderato_version"]) == max(versions)


def test_a_forged_expired_or_replayed_event_is_refused_and_changes_nothing(
    wordpress: WordPress,
    moderato: Moderato,
    newsroom: Newsroom,
    store: Store,
    connection: dict[str, str],
) -> None:
    in_wordpress, stored = held_comment(wordpress, store, "firma da verificare")
    decide(moderato, newsroom, stored["id"], "approve")
    assert status_within(wordpress, "firma da verificare", IN_STEP_SECONDS)("approved")
    secret = connection["MODERATO_WEBHOOK_SECRET"]
    # An event that would move the comment back to Pending, were it accepted.
    data = {"guid": in_wordpress["meta"]["moderato_guid"], "status": "pending", "reason": None,
            "version": 1_000_000}  # fmt: skip
    body = json.dumps({"type": "comment.decided", "timestamp": "2026-12-01T00:00:00+00:00",
                       "data": data})  # fmt: skip
    forged_secret = "whsec_" + base64.b64encode(b"not the endpoint's secret, 32 b").decode()
    now = int(time.time())

    forged = post_event(wordpress, forged_secret, "msg_forged", now, body)
    expired = post_event(wordpress, secret, "msg_expired", now - 600, body)
    unsigned = post_event(wordpress, secret, "msg_unsigned", now, body, signature="v1,AAAA")

    assert (forged, expired, unsigned) == (401, 401, 401)
    assert wordpress.comment("firma da verificare")["status"] == "approved"

    # A message applied once is refused when it comes again, even signed within the tolerance
    # and with the version check out of the way.
    first = post_event(wordpress, secret, "msg_once", now, body)
    assert first == 200
    assert wordpress.comment("firma da verificare")["status"] == "unapproved"
    wordpress.php("set-status", str(in_wordpress["id"]), "approve", wordpress.admin)
    wordpress.php("set-meta", str(in_wordpress["id"]), "moderato_version", "0")

    replayed = post_event(wordpress, secret, "msg_once", now, body)

    assert replayed == 409
    assert wordpress.comment("firma da verificare")["status"] == "approved"
    # The control: the same event under a new id is applied.
    assert post_event(wordpress, secret, "msg_fresh", int(time.time()), body) == 200
    assert wordpress.comment("firma da verificare")["status"] == "unapproved"


def test_the_check_s_own_decision_leaves_wordpress_s_own_moderation_rules_standing(
    wordpress: WordPress, store: Store, connection: dict[str, str]
) -> None:
    # "Comment author must have a previously approved comment": WordPress holds a newcomer's
    # comment that Moderato's classifier published, as it does with Akismet's answer.
    wordpress.php("set-option", "comment_previously_approved", "1")
    try:
        wordpress.post_comment(f"{PUBLISHED} (nuovo lettore)", "Nuovo", "nuovo@example.it")
    finally:
        wordpress.php("set-option", "comment_previously_approved", "0")
    held = wordpress.comment("(nuovo lettore)")
    assert held["status"] == "unapproved"
    assert store.wait_comment("(nuovo lettore)")["status"] == CommentStatus.APPROVED
    # The classifier's decision as its webhook tells it, whenever that arrives.
    data = {"guid": held["meta"]["moderato_guid"], "status": "approved", "reason": "not_spam",
            "previous_status": "queued", "version": 2,
            "actor": {"kind": "classifier", "id": None, "name": "classifier"}}  # fmt: skip
    body = json.dumps({"type": "comment.decided", "timestamp": "2026-12-01T00:00:00+00:00",
                       "data": data})  # fmt: skip
    secret = connection["MODERATO_WEBHOOK_SECRET"]

    assert post_event(wordpress, secret, "msg_the_check", int(time.time()), body) == 200

    assert wordpress.comment("(nuovo lettore)")["status"] == "unapproved"


def test_a_comment_posted_through_the_rest_api_goes_through_moderato_and_stays_in_step(
    wordpress: WordPress, moderato: Moderato, newsroom: Newsroom, store: Store
) -> None:
    form = {"post": "1", "author_name": "Gianni", "author_email": "gianni@example.it",
            "content": f"{UNCERTAIN} (dalla REST API)"}  # fmt: skip
    answer = wordpress.request("/wp-json/wp/v2/comments", form, cookies=CookieJar())

    assert answer.status == 201, answer.body[-2000:]
    in_wordpress = wordpress.comment("(dalla REST API)")
    assert in_wordpress["status"] == "unapproved"
    assert in_wordpress["meta"]["moderato_guid"]
    stored = store.wait_comment("(dalla REST API)")
    assert stored["status"] == CommentStatus.PENDING

    decide(moderato, newsroom, stored["id"], "approve")

    assert status_within(wordpress, "(dalla REST API)", IN_STEP_SECONDS)("approved")


class WebUI:
    """Moderato's web UI, as a moderator's browser uses it (cookies and CSRF tokens)."""

    def __init__(self, base_url: str, cookies: CookieJar):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))

    def page(self, path: str, form: dict[str, str] | None = None) -> str:
        """GET `path` (POST `form` to it), following redirects; the HTML."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data)  # noqa: S310 - loopback
        with self.opener.open(request, timeout=30) as answer:
            return str(answer.read().decode())

    def sign_in(self, moderato: Moderato, name: str) -> None:
        """Give the moderator a password (`moderators set-password`) and sign in with it."""
        password = "bella ciao, ciao, ciao"  # noqa: S105 - a test moderator's
        moderato.cli("moderators", "set-password", name, "--password-stdin", stdin=password)
        token = hidden(self.page("/moderate/login"), "csrf_token")
        queue = self.page("/moderate/login",
                          {"name": name, "password": password, "csrf_token": token})  # fmt: skip
        assert "/moderate/logout" in queue or 'action="/moderate/logout"' in queue, queue[:2000]

    def approve(self, comment_id: int) -> None:
        """Click Approve on the comment's page, at the version the page shows."""
        path = f"/moderate/comments/{comment_id}"
        page = self.page(path)
        form = {"action": "approve", "version": hidden(page, "version"),
                "csrf_token": hidden(page, "csrf_token")}  # fmt: skip
        self.page(f"{path}/decide", form)


def hidden(page: str, name: str) -> str:
    """The value of the first hidden field `name` on a page."""
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found, f"no {name} on the page: {page[:2000]}"
    return found.group(1)


def post_event(
    wordpress: WordPress,
    secret: str,
    message_id: str,
    timestamp: int,
    body: str,
    *,
    signature: str | None = None,
) -> int:
    """POST an event to the plugin's route, signed with `secret` (or with `signature`); the
    status of its answer."""
    signed = Webhook(secret).sign(message_id, datetime.fromtimestamp(timestamp, UTC), body)
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature or signed,
        "Content-Type": "application/json",
    }
    request = urllib.request.Request(wordpress.url + EVENTS_PATH, body.encode(), headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def fetch_deliveries(moderato: Moderato, site_key: str) -> list[dict]:
    """Every delivery of the site's one endpoint, newest first."""
    [endpoint] = moderato.api("/api/v1/webhooks", site_key)["items"]
    page = moderato.api(f"/api/v1/webhooks/{endpoint['id']}/deliveries?limit=100", site_key)
    return page["items"]


def answers(url: str) -> bool:
    """Whether Moderato's web process answers its health check."""
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5):  # noqa: S310 - loopback
            return True
    except OSError:
        return False


def site_id_of(comment_id: int) -> int:
    """The site of a stored comment (inside an app context)."""
    comment = db.session.get(Comment, comment_id)
    assert comment is not None
    return comment.site_id
