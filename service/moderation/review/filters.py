"""The review queue's filters, shared by its listing, its counts, bulk decisions and the web UI.

A filter is a plain value (`QueueFilter`); `conditions` turns it into SQL for one site, so the
listing keeps its one-query-per-site shape (listing.py) and every caller scopes to the
moderator's sites the same way (`filter_site_ids`).
"""

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select

from models import Comment, CommentStatus, queue_score, search_text
from service.accounts.auth import ModeratorRef
from service.errors import Forbidden

COMMENTS = Comment.__table__.c
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class QueueFilter:
    """What a moderator narrows the queue to. `None` means "any"."""

    status: str | None = CommentStatus.PENDING
    site: str | None = None  # a slug
    article_id: str | None = None
    classifier_version: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    search: str | None = None  # in the body, author name, e-mail and IP (case-insensitive)

    def with_status(self, status: str | None) -> "QueueFilter":
        """The same filter on another status."""
        return replace(self, status=status)


def filter_site_ids(moderator: ModeratorRef, site: str | None) -> list[int]:
    """The moderator's site ids, narrowed to `site` (a slug); Forbidden for a site not theirs."""
    if site is None:
        return sorted(moderator.site_ids)
    matching = [s.id for s in moderator.sites if s.slug == site]
    if not matching:
        raise Forbidden(f"You do not moderate a site with slug {site!r}.")
    return matching


def conditions(site_id: int, queue_filter: QueueFilter) -> list[ColumnElement[bool]]:
    """The WHERE conditions of `queue_filter` for one site."""
    return [COMMENTS.site_id == site_id, *site_free_conditions(queue_filter)]


def site_free_conditions(queue_filter: QueueFilter) -> list[ColumnElement[bool]]:
    """The WHERE conditions of `queue_filter` other than the site's, for a caller that
    scopes to the moderator's sites itself."""
    return [CONDITIONS[name](value) for name, value in filter_values(queue_filter).items()]


def parameterised_conditions(site: Any, names: Iterable[str]) -> list[ColumnElement[bool]]:
    """The conditions of a filter whose `filter_values` have these names, for the site `site`,
    each value a bound parameter of that name: a statement built once for the filter's shape
    serves every filter of that shape (service/moderation/review/listing.py)."""
    return [COMMENTS.site_id == site, *(CONDITIONS[name](bindparam(name)) for name in names)]


def filter_values(queue_filter: QueueFilter) -> dict[str, Any]:
    """The values the filter compares with, by the name of their condition (CONDITIONS).

    The names present say which conditions apply: they are the filter's shape.
    """
    values: dict[str, Any] = {}
    if queue_filter.status is not None:
        values["status"] = queue_filter.status
    if queue_filter.article_id is not None:
        values["article_id"] = queue_filter.article_id
    if queue_filter.classifier_version is not None:
        values["classifier_version"] = queue_filter.classifier_version
    if queue_filter.min_score is not None or queue_filter.max_score is not None:
        # Scores are 0 to 1 and unscored is -1 (QUEUE_SCORE), so a lower bound of at least 0
        # leaves unscored comments out, as spam_score's NULL did.
        values["min_score"] = max(queue_filter.min_score or 0.0, 0.0)
        if queue_filter.max_score is not None:
            values["max_score"] = queue_filter.max_score
    if queue_filter.search:
        name, value = search_value(queue_filter.search)
        values[name] = value
    return values


# The condition of each of `filter_values`' names, given its value (or a bound parameter). The
# score range is on QUEUE_SCORE, not spam_score, so that the (status, site, score) index serves
# it: counting a range over spam_score walked a site's whole status (380 ms at 1,000,000
# comments, bench/review_page.py). Columns are the table's, not the mapped class's: a statement
# of plain columns skips the ORM's compilation and loading steps (about 0.2 ms a page).
CONDITIONS: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "status": lambda value: COMMENTS.status == value,
    "article_id": lambda value: COMMENTS.article_id == value,
    "classifier_version": lambda value: COMMENTS.classifier_version == value,
    "min_score": lambda value: queue_score(COMMENTS) >= value,
    "max_score": lambda value: queue_score(COMMENTS) <= value,
    "author": lambda value: or_(COMMENTS.author_email == value, COMMENTS.author_ip == value),
    "pattern": lambda value: search_text(COMMENTS).ilike(value, escape=LIKE_ESCAPE),
}


def matches_text(search: str) -> ColumnElement[bool]:
    """Case-insensitive substring search, with `%`, `_` and `\\` taken literally; a whole
    e-mail address or IP is looked up exactly in the author's e-mail and IP instead.

    PostgreSQL answers ILIKE from the trigram index on `search_text` (at least three
    characters make a trigram; shorter searches scan the site's filtered rows). A whole address
    is the one search the trigram index serves badly: its trigrams ("@gm", "mai", ".it", the
    first octets) occur in most comments, so PostgreSQL reads large parts of the index, where
    the author indexes answer from a few entries.
    """
    name, value = search_value(search)
    return CONDITIONS[name](value)


def search_value(search: str) -> tuple[str, str]:
    """The condition (a name of CONDITIONS) and the value of a text search."""
    if is_author_address(search):
        return "author", search
    return "pattern", f"%{escape_like(search)}%"


def is_author_address(search: str) -> bool:
    """Whether `search` is a whole e-mail address or IP address (as intake stores them)."""
    if EMAIL.fullmatch(search):
        return True
    try:
        return str(ipaddress.ip_address(search)) == search
    except ValueError:
        return False


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character escaped."""
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text


def select_matching(moderator: ModeratorRef, queue_filter: QueueFilter) -> list[Any]:
    """One `SELECT comments` per site the filter reaches (disjoint sets of comments)."""
    return [
        select(Comment).where(*conditions(site_id, queue_filter))
        for site_id in filter_site_ids(moderator, queue_filter.site)
    ]
