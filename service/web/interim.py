"""Stand-ins for moderation-service functions that are being built on another branch
(`ui-domain`: bulk decisions, threads). Kept here, small, so the pages work
meanwhile; each is replaced by the service's own function when that lands.
"""

from typing import Any

from sqlalchemy import select

from models import Comment
from service.accounts.auth import ModeratorRef
from service.errors import Conflict, NotFound, StaleVersion
from service.extensions import db
from service.moderation import queue as moderation


def parents_of(items: list[Any], site_ids: set[int]) -> dict[int, Any]:
    """The parent comments of the replies among `items` (of the moderator's sites), by id."""
    wanted = {item.parent_id for item in items if item.parent_id is not None}
    if not wanted or not site_ids:
        return {}
    rows = db.session.execute(
        select(Comment.id, Comment.author_name, Comment.body, Comment.status).where(
            Comment.id.in_(wanted), Comment.site_id.in_(site_ids)
        )
    )
    return {row.id: row for row in rows}


def decide_many(
    moderator: ModeratorRef, items: dict[int, int], *, reason: str | None, note: str | None
) -> tuple[int, int]:
    """Approve (reason None) or reject each comment at the version given; (decided, conflicted)."""
    decided = conflicted = 0
    for comment_id, version in items.items():
        try:
            if reason is None:
                moderation.approve_comment(
                    comment_id, moderator, note=note, expected_version=version
                )
            else:
                moderation.reject_comment(
                    comment_id, moderator, reason=reason, note=note, expected_version=version
                )
            decided += 1
        except (StaleVersion, Conflict, NotFound):
            conflicted += 1
    return decided, conflicted
