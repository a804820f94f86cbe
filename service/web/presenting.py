"""How the pages show things: translated labels, scores, dates and links."""

from typing import Any

from flask import Flask
from flask_babel import format_datetime, get_locale, lazy_gettext

from service.web.highlight import highlight
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
    """A date and time in the page's language."""
    return format_datetime(value, "short") if value is not None else ""


def register(app: Flask) -> None:
    """Make these available to every template."""
    app.jinja_env.globals.update(
        reason_label=reason_label, percent=percent, safe_href=safe_href, when=when,
        highlight=highlight, REJECT_REASONS=REJECT_REASONS, STATUS_LABELS=STATUS_LABELS,
        ORDER_LABELS=ORDER_LABELS, LANGUAGES=LANGUAGES,
        current_language=lambda: str(get_locale()),
    )  # fmt: skip
