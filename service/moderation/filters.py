"""The review queue's filters, shared by its listing, its counts, bulk decisions and the web UI.

A filter is a plain value (`QueueFilter`); `conditions` turns it into SQL for one site, so the
listing keeps its one-query-per-site shape (listing.py) and every caller scopes to the
moderator's sites the same way (`filter_site_ids`).
"""

import ipaddress
import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from models import Comment, CommentStatus, search_text
from service.accounts.auth import ModeratorRef
from service.errors import Forbidden
from service.extensions import db

# Counting stops here per status: an exact count of 700,000 approved comments costs a walk of
# as many index entries on every page view, and "10,000+" says as much to a moderator.
COUNT_CAP = 10_000
# With a text search each counted comment costs an ILIKE on its text (about 3 us): a search
# matching a sixth of a million comments took 250 ms to count to 10,000 (bench/queue.py).
SEARCH_COUNT_CAP = 1_000
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


@dataclass(frozen=True)
class StatusCounts:
    """Comments matching a filter, per status; a count equal to `cap` means "at least"."""

    counts: dict[str, int]
    cap: int = COUNT_CAP

    def is_capped(self, status: str) -> bool:
        """Whether the count of `status` stopped at the cap."""
        return self.counts.get(status, 0) >= self.cap


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
    if queue_filter.min_score is not None:
        where.append(Comment.spam_score >= queue_filter.min_score)
    if queue_filter.max_score is not None:
        where.append(Comment.spam_score <= queue_filter.max_score)
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


def count_by_status(
    moderator: ModeratorRef, queue_filter: QueueFilter, cap: int | None = None
) -> StatusCounts:
    """How many comments match the filter in each status (its own `status` ignored), each
    count stopping at `cap` (COUNT_CAP, SEARCH_COUNT_CAP with a text search): a LIMITed walk
    of an index per status and site."""
    if cap is None:
        cap = SEARCH_COUNT_CAP if queue_filter.search else COUNT_CAP
    site_ids = filter_site_ids(moderator, queue_filter.site)
    counts = {}
    for status in CommentStatus.ALL:
        per_status = queue_filter.with_status(status)
        total = 0
        for site_id in site_ids:
            capped = select(Comment.id).where(*conditions(site_id, per_status)).limit(cap - total)
            total += db.session.scalar(select(func.count()).select_from(capped.subquery())) or 0
            if total >= cap:
                break
        counts[status] = total
    return StatusCounts(counts, cap)
