"""How the pages show things: translated labels, scores, dates and links."""

from dataclasses import dataclass
from typing import Any

from babel import dates
from flask import Flask, g, url_for
from flask_babel import get_locale, get_timezone, gettext, lazy_gettext, pgettext
from flask_wtf.csrf import generate_csrf

from service.web.highlight import explanation_items, highlight
from service.web.i18n import LANGUAGES

# The reasons a moderator picks from when rejecting, in the order of their keys (1-5).
REJECT_REASONS = ("spam", "abuse", "off_topic", "illegal", "other")

REASON_LABELS = {
    "spam": lazy_gettext("Spam"),
    "abuse": lazy_gettext("Abuse"),
    "off_topic": lazy_gettext("Off topic"),
    "illegal": lazy_gettext("Illegal"),
    "other": lazy_gettext("Other"),
    "not_spam": lazy_gettext("Not spam"),
    "uncertain": lazy_gettext("Uncertain score"),
    "unfamiliar": lazy_gettext("Unfamiliar text"),
    "pre_moderation": lazy_gettext("Pre-moderated site"),
    "classification_failed": lazy_gettext("Classification failed"),
    "rescored": lazy_gettext("Scored again"),
    "undo": lazy_gettext("Undone"),
}
STATUS_LABELS = {
    "pending": lazy_gettext("Pending"),
    "queued": lazy_gettext("Queued"),
    "approved": lazy_gettext("Approved"),
    "rejected": lazy_gettext("Rejected"),
}
ORDER_LABELS = {
    "oldest": lazy_gettext("Oldest first"),
    "newest": lazy_gettext("Newest first"),
    "score": lazy_gettext("Most spam-like first"),
}


def reason_label(reason: str | None) -> str:
    """A decision reason in words (an unknown one as it is)."""
    if not reason:
        return ""
    return str(REASON_LABELS.get(reason, reason))


def percent(score: float | None) -> str:
    """A score as a whole percentage, or a dash when not scored yet."""
    return "–" if score is None else f"{round(score * 100)} %"


def safe_href(url: str | None) -> str | None:
    """An http(s) URL for a link; anything else (javascript:, data:) is not linked."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def when(value: Any) -> str:
    """A date and time in the page's language (and time zone: UTC unless configured).

    Babel directly, with the locale and zone looked up once per request: Flask-Babel's
    format_datetime looks both up on every call, 50 times a page."""
    if value is None:
        return ""
    if "moderato_when" not in g:
        g.moderato_when = (get_locale(), get_timezone())
    locale, zone = g.moderato_when
    return dates.format_datetime(value, "short", tzinfo=zone, locale=locale)


def register(app: Flask) -> None:
    """Make these available to every template."""
    app.jinja_env.globals.update(
        reason_label=reason_label, percent=percent, safe_href=safe_href, when=when,
        highlight=highlight, explanation_items=explanation_items,
        REJECT_REASONS=REJECT_REASONS, STATUS_LABELS=STATUS_LABELS,
        ORDER_LABELS=ORDER_LABELS, LANGUAGES=LANGUAGES,
        current_language=lambda: str(get_locale()),
    )  # fmt: skip


@dataclass(frozen=True)
class ItemLabels:
    """The words every queue item repeats, translated once per page rather than once per item
    (a page of 50 items spent most of its time in gettext calls: bench/review_page.py)."""

    approve: str
    reject: str
    reject_more: str
    reason: str
    note_optional: str
    spam_score: str
    why_spam: str
    select_by: str  # these three keep their %(...)s placeholders: `|format(...)` per item
    in_reply_to: str
    classifier: str
    statuses: dict[str, str]  # one comment's status ("Approved"), not a tab's ("Approvati")
    decided_by: dict[str, str]  # by actor kind; the moderator's keeps %(name)s
    held_by: dict[str, str]  # the same, for a comment held for review
    reasons: dict[str, str]
    reject_reasons: list[tuple[str, str]]
    expand_short: str
    collapse_short: str


def item_labels() -> ItemLabels:
    """The labels in the page's language."""
    reasons = {code: str(label) for code, label in REASON_LABELS.items()}
    return ItemLabels(
        approve=gettext("Approve"), reject=gettext("Reject"), reject_more=gettext("Reject…"),
        reason=gettext("Reason"), note_optional=gettext("Note (optional)"),
        spam_score=gettext("Spam score"), why_spam=gettext("Why it looks like spam:"),
        select_by=gettext("Select the comment by %(name)s"),
        in_reply_to=gettext("In reply to %(name)s:"),
        classifier=gettext("classifier %(version)s"),
        statuses=one_comment_statuses(), decided_by=decided_by(), held_by=held_by(),
        reasons=reasons, reject_reasons=[(code, reasons[code]) for code in REJECT_REASONS],
        expand_short=gettext("Expand"),
        collapse_short=gettext("Collapse"),
    )  # fmt: skip


def one_comment_statuses() -> dict[str, str]:
    """One comment's status in words: Italian agrees it with "il commento" ("Approvato"),
    where the queue's tabs name groups ("Approvati")."""
    return {
        "queued": pgettext("one comment", "Queued"),
        "pending": pgettext("one comment", "Pending review"),
        "approved": pgettext("one comment", "Approved"),
        "rejected": pgettext("one comment", "Rejected"),
    }


def decided_by() -> dict[str, str]:
    """Who approved or rejected a comment, by the kind of actor (models.ActorKind)."""
    return {
        "moderator": gettext("by %(name)s"),
        "classifier": gettext("by the classifier"),
        "rule": gettext("by a rule"),
        "wordpress": gettext("by %(name)s in WordPress"),
    }


def held_by() -> dict[str, str]:
    """Who held a comment for a moderator, by the kind of actor (models.ActorKind)."""
    return {
        "moderator": gettext("held by %(name)s"),
        "classifier": gettext("held by the classifier"),
        "rule": gettext("held by a rule"),
        "wordpress": gettext("held by %(name)s in WordPress"),
    }


def page_values() -> dict[str, Any]:
    """What every template of the UI gets once per render: the item labels, the session's CSRF
    token and the comments' URL prefix (url_for per item and action was a tenth of a page)."""
    return {
        "L": item_labels(),
        "csrf": generate_csrf(),
        "comments_url": url_for("web.queue") + "comments/",
    }
