"""A comment in its thread: its parent and its replies, whatever their status."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from models import Comment
from service.accounts.auth import ModeratorRef
from service.errors import CommentNotFound
from service.extensions import db
from service.moderation.review.listing import as_rows

MAX_REPLIES = 100


@dataclass(frozen=True)
class Thread:
    """Rows with `site_slug`: the comment, its parent (None for a top-level comment) and its
    replies, oldest first."""

    comment: Any
    parent: Any | None
    replies: list[Any]


def get_thread(comment_id: int, moderator: ModeratorRef, *, limit: int = MAX_REPLIES) -> Thread:
    """The comment's thread; CommentNotFound outside the moderator's sites."""
    comment = db.session.execute(as_rows(select(Comment).where(Comment.id == comment_id))).first()
    if comment is None or comment.site_id not in moderator.site_ids:
        raise CommentNotFound()
    parent = None
    if comment.parent_id is not None:
        parent = db.session.execute(
            as_rows(
                select(Comment).where(
                    Comment.id == comment.parent_id, Comment.site_id == comment.site_id
                )
            )
        ).first()
    replies = db.session.execute(
        as_rows(
            select(Comment)
            .where(Comment.parent_id == comment.id, Comment.site_id == comment.site_id)
            .order_by(Comment.id)
            .limit(limit)
        )
    ).all()
    return Thread(comment, parent, list(replies))


def get_parents(moderator: ModeratorRef, items: Sequence[Any]) -> dict[int, Any]:
    """The parents of the replies among `items` (anything with `parent_id`), by id, as rows
    with `site_slug`, in one query; parents outside the moderator's sites are left out."""
    wanted = {item.parent_id for item in items if item.parent_id is not None}
    if not wanted or not moderator.site_ids:
        return {}
    rows = db.session.execute(
        as_rows(
            select(Comment).where(Comment.id.in_(wanted), Comment.site_id.in_(moderator.site_ids))
        )
    )
    return {row.id: row for row in rows}
