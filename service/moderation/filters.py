"""The review queue's filters, shared by its listing, its counts, bulk decisions and the web UI.

A filter is a plain value (`QueueFilter`); `conditions` turns it into SQL for one site, so the
listing keeps its one-query-per-site shape (listing.py) and every caller scopes to the
moderator's sites the same way (`filter_site_ids`).
"""

import ipaddress
import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from models import QUEUE_SCORE, Comment, CommentStatus, search_text
from service.accounts.auth import ModeratorRef
from service.errors import Forbidden

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
    where: list[ColumnElement[bool]] = [Comment.site_id == site_id]
    if queue_filter.status is not None:
        where.append(Comment.status == queue_filter.status)
    if queue_filter.article_id is not None:
        where.append(Comment.article_id == queue_filter.article_id)
    if queue_filter.classifier_version is not None:
        where.append(Comment.classifier_version == queue_filter.classifier_version)
    if queue_filter.min_score is not None or queue_filter.max_score is not None:
        # On QUEUE_SCORE (unscored is -1), not spam_score, so that the (status, site, score)
        # index serves the range: counting a range over spam_score walked a site's whole
        # status (380 ms at 1,000,000 comments, bench/review_page.py). Scores are 0 to 1, so a
        # lower bound of at least 0 leaves unscored comments out, as spam_score's NULL did.
        score = QUEUE_SCORE
        where.append(score >= max(queue_filter.min_score or 0.0, 0.0))
        if queue_filter.max_score is not None:
            where.append(score <= queue_filter.max_score)
    if queue_filter.search:
        where.append(matches_text(queue_filter.search))
    return where


def matches_text(search: str) -> ColumnElement[bool]:
    """Case-insensitive substring search, with `%`, `_` and `\\` taken literally; a whole
    e-mail address or IP is looked up exactly in the author's e-mail and IP instead.

    PostgreSQL answers ILIKE from the trigram index on `search_text` (at least three
    characters make a trigram; shorter searches scan the site's filtered rows). A whole address
    is the one search the trigram index serves badly: its trigrams ("@gm", "mai", ".it", the
    first octets) occur in most comments, so PostgreSQL reads large parts of the index (80 ms
    at a million comments in bench/queue.py), where the author indexes answer in under 1 ms.
    """
    if is_author_address(search):
        return or_(Comment.author_email == search, Comment.author_ip == search)
    return search_text(Comment).ilike(f"%{escape_like(search)}%", escape=LIKE_ESCAPE)


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
