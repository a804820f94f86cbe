"""An author's record, by e-mail or by IP, within the moderator's sites; and one action that
decides all of the author's pending comments.

E-mail addresses and IPs are compared exactly as stored (indexed: ix_comments_author_email,
ix_comments_author_ip).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from models import Comment, CommentStatus
from service.accounts.auth import ModeratorRef
from service.errors import InvalidInput
from service.extensions import db
from service.moderation.review.bulk import BulkResult, Target, bulk_decide, bulk_limit
from service.moderation.review.filters import filter_site_ids
from service.moderation.review.listing import as_rows

RECENT_COMMENTS = 20


@dataclass(frozen=True)
class AuthorKey:
    """How an author is recognised: by e-mail or by IP."""

    email: str | None = None
    ip: str | None = None

    def condition(self) -> ColumnElement[bool]:
        """Comments by this author."""
        if (self.email is None) == (self.ip is None):
            raise InvalidInput("Give an e-mail address or an IP.", fields={"email": "or ip"})
        if self.email is not None:
            return Comment.author_email == self.email
        return Comment.author_ip == self.ip


@dataclass(frozen=True)
class AuthorRecord:
    """How an author's comments were decided, and the latest of them (rows with `site_slug`)."""

    key: AuthorKey
    counts: dict[str, int]  # per status, every status present
    recent: list[Any]  # newest first

    @property
    def pending(self) -> int:
        """Comments of the author waiting for a moderator."""
        return self.counts[CommentStatus.PENDING]


def get_author_record(
    moderator: ModeratorRef,
    key: AuthorKey,
    *,
    site: str | None = None,
    limit: int = RECENT_COMMENTS,
) -> AuthorRecord:
    """The author's counts per status and recent comments, in the moderator's sites."""
    where = (key.condition(), Comment.site_id.in_(filter_site_ids(moderator, site)))
    counts = dict.fromkeys(CommentStatus.ALL, 0)
    rows = db.session.execute(
        select(Comment.status, func.count()).where(*where).group_by(Comment.status)
    )
    counts.update((status, count) for status, count in rows)
    recent = db.session.execute(
        as_rows(select(Comment).where(*where).order_by(Comment.id.desc()).limit(limit))
    ).all()
    return AuthorRecord(key, counts, list(recent))


def decide_author_pending(
    moderator: ModeratorRef,
    key: AuthorKey,
    *,
    to_status: str,
    reason: str | None = None,
    note: str | None = None,
    site: str | None = None,
) -> BulkResult:
    """Approve or reject every pending comment of the author in the moderator's sites (at
    most BULK_DECISION_LIMIT), each only if still pending as read here."""
    rows = db.session.execute(
        select(Comment.id, Comment.version)
        .where(
            key.condition(),
            Comment.site_id.in_(filter_site_ids(moderator, site)),
            Comment.status == CommentStatus.PENDING,
        )
        .order_by(Comment.id)
        .limit(bulk_limit() + 1)
    ).all()
    targets = [Target(row.id, row.version) for row in rows]
    result = bulk_decide(moderator, targets, to_status=to_status, reason=reason, note=note)
    result.more = len(rows) > bulk_limit()
    return result
