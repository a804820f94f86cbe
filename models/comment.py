"""Comments and their audit trail."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.site import Site


class CommentStatus:
    """Lifecycle: `queued`, then `pending` (a human decides), `approved` or `rejected`."""

    QUEUED = "queued"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ALL = (QUEUED, PENDING, APPROVED, REJECTED)
    FINAL = (APPROVED, REJECTED)


class ActorKind:
    """What kind of actor changed a comment: a person (by id) or a part of the machine.

    Actors are recorded by kind and id, with the display name beside them, so a moderator who
    happens to be called "rule" is still a moderator and their decisions still teach the
    classifier.
    """

    MODERATOR = "moderator"
    CLASSIFIER = "classifier"
    RULE = "rule"
    # A person moderating in a connected WordPress's wp-admin, named by their login (no id:
    # they are no Moderato moderator). Their decisions are labels like a moderator's.
    WORDPRESS = "wordpress"
    ALL = (MODERATOR, CLASSIFIER, RULE, WORDPRESS)
    MACHINE = (CLASSIFIER, RULE)
    PEOPLE = (MODERATOR, WORDPRESS)


class Comment(Base):
    """One submission of an article's comment form."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_site_article_status", "site_id", "article_id", "status", "id"),
        Index("ix_comments_status_site", "status", "site_id", "id"),
        Index("ix_comments_status_enqueued_at", "status", "enqueued_at"),
        # A moderator's look at one author (service/moderation/review/authors.py) and at a thread.
        Index("ix_comments_author_email", "author_email", "site_id"),
        Index("ix_comments_author_ip", "author_ip", "site_id"),
        Index("ix_comments_parent_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    article_id: Mapped[str] = mapped_column(String(255))
    article_url: Mapped[str | None] = mapped_column(String(2048))
    article_title: Mapped[str | None] = mapped_column(String(500))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(100))
    author_email: Mapped[str | None] = mapped_column(String(254))
    author_url: Mapped[str | None] = mapped_column(String(2048))
    body: Mapped[str] = mapped_column(Text)
    author_ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    referrer: Mapped[str | None] = mapped_column(String(2048))
    language: Mapped[str | None] = mapped_column(String(35))

    status: Mapped[str] = mapped_column(String(16), default=CommentStatus.QUEUED)
    spam_score: Mapped[float | None] = mapped_column(Float)
    classifier_version: Mapped[str | None] = mapped_column(String(64))
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Who decided: kind and (for moderators) id; `decided_by` is the display name.
    decided_by_kind: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every change; the ETag is built from it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # When the classification task was last handed to the broker, and how often the sweep did it.
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requeue_count: Mapped[int] = mapped_column(Integer, default=0)

    site: Mapped[Site] = relationship(lazy="joined", innerjoin=True)

    @property
    def site_slug(self) -> str:
        """The slug of the comment's site, as the API shows it."""
        return self.site.slug


def queue_score(entity: Any) -> ColumnElement[float]:
    """The review queue's score order of `entity` (the mapped class or the table's columns):
    most spam-like first, unscored (queued) comments last.

    -1.0 is written into the SQL, not bound: PostgreSQL matches an expression index only to
    the same expression, and a prepared statement that PostgreSQL plans once for every value
    (a generic plan) would see `coalesce(spam_score, $1)` and sort every comment of the status.
    """
    return func.coalesce(entity.spam_score, literal_column("-1.0"))


QUEUE_SCORE = queue_score(Comment)
# Serves `order=score` for one site and status without a sort (1,000,000 rows: see bench/queue.py).
Index(
    "ix_comments_status_site_score", Comment.status, Comment.site_id, QUEUE_SCORE.desc(), Comment.id
)
# The same within one article (`article_id` with `order=score`): without it a deep cursor of a
# large article walked the site's whole status filtering by article (bench/queue.py).
Index(
    "ix_comments_site_article_status_score",
    Comment.site_id,
    Comment.article_id,
    Comment.status,
    QUEUE_SCORE.desc(),
    Comment.id,
)


SEARCH_INDEX = "ix_comments_search_trgm"


def search_text(entity: Any) -> ColumnElement[str]:
    """What the queue's text search looks in: body, author name, e-mail and IP, as one string.

    On PostgreSQL a trigram GIN index (SEARCH_INDEX, pg_trgm) is built on exactly this
    expression by the migration, so `search_text(Comment).ilike("%word%")` is an index scan at
    1,000,000 comments. The separators are SQL literals, not bound parameters: PostgreSQL uses
    an expression index only for a query expression that is the same tree. SQLite (embedded,
    small) scans.
    """
    space: ColumnElement[str] = literal_column("' '")
    return (
        entity.body
        + space
        + entity.author_name
        + space
        + func.coalesce(entity.author_email, literal_column("''"))
        + space
        + func.coalesce(entity.author_ip, literal_column("''"))
    )


class ModerationEvent(Base):
    """One status change of a comment: the audit trail."""

    __tablename__ = "moderation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    # The dashboard reads events by day (service/moderation/reporting/stats.py).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))  # the display name
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)
    classifier_version: Mapped[str | None] = mapped_column(String(64))
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
