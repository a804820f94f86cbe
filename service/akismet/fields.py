"""The Akismet protocol's form fields, read into what a check needs.

Only the standard fields are read. WordPress sends about 42 (every request header as `HTTP_*`,
every raw form field as `POST_*`, ...); the rest are accepted and dropped here, never stored:
they are personal data Moderato does not need.
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from models import Comment, CommentStatus
from service.accounts.keys import normalise_akismet_key
from service.moderation.intake.akismet_checks import CheckedComment
from service.moderation.policy import Decision

# The protocol's test conventions (Akismet's developer documentation).
GUARANTEED_SPAM_AUTHOR = "akismet-guaranteed-spam"
HAM_ROLE = "administrator"
TRUE_VALUES = {"1", "true", "yes", "on"}
# WordPress requests whose comment fields come slashed, and those fields (see
# is_slashed_by_wordpress).
SLASHING_ENTRY_POINTS = ("/wp-comments-post.php", "/wp-admin/admin-ajax.php")
SLASHED_FIELDS = ("comment_author", "comment_author_email", "comment_author_url",
                  "comment_content")  # fmt: skip
PHP_ESCAPE = re.compile(r"\\(.?)", re.DOTALL)
# Moderato's columns and how many characters each holds; longer values are cut to fit.
LIMITS = {
    column.key: column.type.length  # type: ignore[attr-defined]
    for column in Comment.__table__.columns
    if getattr(column.type, "length", None)
}


@dataclass(frozen=True)
class CheckFields:
    """What comment-check, submit-spam and submit-ham read of a request."""

    comment: CheckedComment
    author: str
    blog: str
    user_ip: str
    roles: frozenset[str]
    is_test: bool
    recheck_reason: str | None
    honeypot_filled: bool
    reporter: str | None

    def rule(self) -> Decision | None:
        """A decision the protocol fixes whatever the classifier says, if any."""
        if self.author == GUARANTEED_SPAM_AUTHOR:
            return Decision(CommentStatus.REJECTED, "akismet_test_spam")
        if self.honeypot_filled:
            return Decision(CommentStatus.REJECTED, "honeypot")
        if HAM_ROLE in self.roles:
            return Decision(CommentStatus.APPROVED, "akismet_test_ham")
        return None


def read_check_fields(form: Mapping[str, str], *, check: bool = False) -> CheckFields:
    """The standard fields of a request (missing ones are empty); `check` for comment-check,
    whose first call from WordPress's comment form carries slashed fields."""
    form = dict(form.items())
    if check and is_slashed_by_wordpress(form):
        for name in SLASHED_FIELDS:
            if name in form:
                form[name] = strip_slashes(form[name])
    # NUL characters dropped: PostgreSQL's text cannot hold them, and no comment needs one.
    form = {name: value.replace("\x00", "") for name, value in form.items()}
    author = form.get("comment_author", "")
    permalink = form.get("permalink", "")
    values = {
        "article_id": article_id(permalink or form.get("blog", "")),
        "article_url": cut("article_url", permalink),
        "author_name": author[: LIMITS["author_name"]],
        "author_email": cut("author_email", form.get("comment_author_email")),
        "author_url": cut("author_url", form.get("comment_author_url")),
        "body": form.get("comment_content", ""),
        "author_ip": cut("author_ip", form.get("user_ip")),
        "user_agent": cut("user_agent", form.get("user_agent")),
        "referrer": cut("referrer", form.get("referrer")),
        "language": cut("language", form.get("blog_lang")),
    }
    honeypot = form.get("honeypot_field_name", "")
    return CheckFields(
        comment=CheckedComment(values, guid=form.get("guid") or None),
        author=author,
        blog=form.get("blog", ""),
        user_ip=form.get("user_ip", ""),
        roles=frozenset(role.strip() for role in form.get("user_role", "").split(",")),
        is_test=form.get("is_test", "").strip().lower() in TRUE_VALUES,
        recheck_reason=form.get("recheck_reason") or None,
        honeypot_filled=bool(honeypot and form.get(honeypot)),
        reporter=form.get("reporter") or None,
    )


def is_slashed_by_wordpress(form: Mapping[str, str]) -> bool:
    """Whether WordPress sent the comment's fields with PHP's magic-quote slashes.

    Its comment form and its admin replies hand Akismet the comment as `wp_new_comment`
    receives it, slashed (`wp-comments-post.php` calls `wp_new_comment(wp_slash(...))`): a
    first check carries `l\\'estate`. Re-checks (`recheck_reason`) and reports send the comment
    as WordPress stored it, unslashed (and with no `REQUEST_URI`). The request a check was
    made for is in the `REQUEST_URI` field the plugin adds (read for this, never stored).
    """
    if form.get("recheck_reason"):
        return False
    path = form.get("REQUEST_URI", "").split("?", 1)[0]
    return path.endswith(SLASHING_ENTRY_POINTS)


def strip_slashes(value: str) -> str:
    """PHP's `stripslashes`: a backslash escapes the next character (`\\0` is NUL)."""
    return PHP_ESCAPE.sub(lambda m: "\x00" if m.group(1) == "0" else m.group(1), value)


def article_id(permalink: str) -> str:
    """The article a comment belongs to: its permalink, or a digest of one too long to keep
    (the same permalink always gives the same id, so labels still find their comment)."""
    limit = LIMITS["article_id"]
    if len(permalink) <= limit:
        return permalink
    return "sha256:" + hashlib.sha256(permalink.encode()).hexdigest()


def cut(column: str, value: str | None) -> str | None:
    """`value` cut to what the column holds; None for missing or empty."""
    return value[: LIMITS[column]] if value else None


def key_from_host(raw_host: str) -> str | None:
    """The key a client sends as the first label of the host (`KEY.rest.example/1.1/...`,
    as the npm `akismet-api` client does). Read from the raw Host header: Werkzeug's
    `request.host` is empty for some such names."""
    label = raw_host.split(".", 1)[0] if "." in raw_host else ""
    return label if normalise_akismet_key(label) else None  # not "rest" of rest.akismet.com
