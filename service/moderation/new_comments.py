"""The row of a new comment: its defaults, and the INSERT built once.

Shared by intake, which stores a comment as `queued`, and the gate, which stores a comment
already decided by a synchronous check.
"""

from typing import Any, cast

from sqlalchemy import Table, insert

from models import Comment, CommentStatus

COMMENTS = cast(Table, Comment.__table__)  # Core tables: no ORM unit of work on the hot path
# Every optional column is named, so each request reuses one compiled statement and passes
# only parameters (building `values()` per request cost more than the rest of the statement's
# Python work).
NEW_COMMENT_DEFAULTS: dict[str, Any] = {
    "article_url": None, "article_title": None, "parent_id": None, "author_email": None,
    "author_url": None, "author_ip": None, "user_agent": None, "referrer": None,
    "language": None, "status": CommentStatus.QUEUED, "version": 1, "requeue_count": 0,
}  # fmt: skip
INSERT_COMMENT = insert(COMMENTS).returning(COMMENTS.c.id)
