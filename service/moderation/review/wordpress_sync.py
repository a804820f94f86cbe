"""Decisions made in a connected WordPress's wp-admin, recorded in Moderato.

Moderato's WordPress plugin reports every status change a person makes there (approve,
unapprove, spam, trash and their undoing) for the comments Moderato checked, naming the comment
by the guid the Akismet API answered. Each report is a human decision by an actor of kind
`wordpress` (the person's WordPress login as its name), audited and counted as a label for the
site's classifier like a moderator's (service/learning/corpus.py).

The last word wins: WordPress's moderator acted after seeing the comment, so the report is
applied whatever Moderato decided meanwhile. The webhook the change raises carries the new
version, which the plugin already has from this answer, so it does not apply it again.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import select

from models import ActorKind, AkismetCheck, Comment, CommentStatus
from service.errors import CommentNotFound
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import Actor, Change

logger = logging.getLogger(__name__)


class WordPressStatus:
    """A comment's status in WordPress, as the plugin reports it (wp_get_comment_status)."""

    APPROVED = "approved"
    UNAPPROVED = "unapproved"
    SPAM = "spam"
    TRASH = "trash"
    ALL = (APPROVED, UNAPPROVED, SPAM, TRASH)


# WordPress status -> Moderato status and reason. Trash is a rejection for a reason other than
# spam, which the plugin's default mapping sends back to the trash.
STATUSES: dict[str, tuple[str, str | None]] = {
    WordPressStatus.APPROVED: (CommentStatus.APPROVED, None),
    WordPressStatus.UNAPPROVED: (CommentStatus.PENDING, None),
    WordPressStatus.SPAM: (CommentStatus.REJECTED, "spam"),
    WordPressStatus.TRASH: (CommentStatus.REJECTED, "other"),
}
DEFAULT_LOGIN = "wordpress"  # a change made by no logged-in user (a script, a cron job)


@dataclass(frozen=True)
class WordPressDecision:
    """The comment a report decided, as the decision left it."""

    comment_id: int
    status: str
    reason: str | None
    version: int


def record_wordpress_decision(
    site_id: int, guid: str, wordpress_status: str, login: str | None, seen_version: int | None
) -> WordPressDecision:
    """Apply a status change made in the site's WordPress to the comment with this guid,
    through the gate, and commit. CommentNotFound if the site has no such comment."""
    to_status, reason = STATUSES[wordpress_status]
    comment = db.session.execute(
        select(Comment.id, Comment.status, Comment.version)
        .join(AkismetCheck, AkismetCheck.comment_id == Comment.id)
        .where(AkismetCheck.guid == guid, Comment.site_id == site_id)
        .with_for_update(of=Comment)
    ).first()
    if comment is None:
        db.session.rollback()
        raise CommentNotFound()
    actor = Actor(ActorKind.WORDPRESS, (login or DEFAULT_LOGIN)[:100])
    note = f"In WordPress: {wordpress_status}" + (
        f" (WordPress had version {seen_version})" if seen_version is not None else ""
    )
    change = Change(comment.id, comment.status, to_status, reason, actor, note=note)
    [applied] = gate.transition([change])  # cannot miss: the row is locked
    db.session.commit()
    logger.info(
        "WordPress user %s set comment %s to %s", actor.name, comment.id, wordpress_status,
        extra={"comment_id": comment.id},
    )  # fmt: skip
    return WordPressDecision(comment.id, to_status, reason, applied.version)
