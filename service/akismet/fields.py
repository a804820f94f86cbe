"""The Akismet protocol's form fields, read into what a check needs.

Only the standard fields are read (and REQUEST_URI and POST_action, to know whether WordPress
slashed them). WordPress sends about 42 (every request header as `HTTP_*`, every raw form field
as `POST_*`, ...); the rest are accepted and dropped here, never stored: they are personal data
Moderato does not need.
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from models import Comment, CommentStatus
from service.accounts.keys import normalise_akismet_key
from service.moderation.checks import CheckedComment
from service.moderation.policy import Decision

# The protocol's test conventions (Akismet's developer documentation).
GUARANTEED_SPAM_AUTHOR = "akismet-guaranteed-spam"
HAM_ROLE = "administrator"
TRUE_VALUES = {"1", "true", "yes", "on"}
# WordPress's handlers whose checks come with slashed fields (slashed_by_wordpress).
WORDPRESS_COMMENT_FORM = "wp-comments-post.php"
WORDPRESS_AJAX, WORDPRESS_REPLY_ACTION = "admin-ajax.php", "replyto-comment"
SLASHED = (
    "comment_author", "comment_author_email", "comment_author_url", "comment_content",
    "user_agent", "referrer",
)  # fmt: skip
_ESCAPED = re.compile(r"\\(.?)", re.S)
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


def read_check_fields(form: Mapping[str, str]) -> CheckFields:
    """The standard fields of a request (missing ones are empty)."""
    # NUL characters dropped: PostgreSQL's text cannot hold them, and no comment needs one.
    form = {name: value.replace("\x00", "") for name, value in form.items()}
    if slashed_by_wordpress(form):
        form = {**form, **{name: strip_slashes(form[name]) for name in SLASHED if name in form}}
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


def slashed_by_wordpress(form: Mapping[str, str]) -> bool:
    """True for WordPress's check of a comment posted through its comment form (or an admin's
    reply in Comments), whose fields carry PHP's magic-quote slashes (`l\\'estate`): both
    handlers pass `$_POST`'s slashed values to `wp_new_comment`, and WordPress slashes
    `$_SERVER` too, whence the user agent and referrer. The REQUEST_URI and POST_action fields
    WordPress adds say which handler it was. Its re-checks and reports send the comment as
    stored, its REST API unslashed: those are left alone."""
    if form.get("recheck_reason"):
        return False
    script = form.get("REQUEST_URI", "").split("?", 1)[0].rsplit("/", 1)[-1]
    return script == WORDPRESS_COMMENT_FORM or (
        script == WORDPRESS_AJAX and form.get("POST_action") == WORDPRESS_REPLY_ACTION
    )


def strip_slashes(value: str) -> str:
    """PHP's stripslashes: a backslash escapes the character after it (`\\'` is `'`, `\\\\` is
    a backslash). addslashes writes a NUL as `\\0`; that comes back as `0`, never as a NUL."""
    return _ESCAPED.sub(r"\1", value)


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
