"""A site's policy in versions, and the articles whose comments it treats differently."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class SitePolicyVersion(Base):
    """One saved version of a site's policy document: who saved it, when, and what changed.

    Versions are never changed or deleted; restoring an old one saves a new version with its
    document. `diff` maps each changed key to `{"before": ..., "after": ...}` (version 1 has
    every key with a `before` of null).
    """

    __tablename__ = "site_policies"
    __table_args__ = (UniqueConstraint("site_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    diff: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who saved it: a moderator's name, or `operator` (the CLI) or `classifier` (calibration).
    created_by: Mapped[str] = mapped_column(String(100))
    # The moderator's id when a moderator saved it; kept null if they are deleted later.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderators.id", ondelete="SET NULL")
    )


class Article(Base):
    """An article of a site as its policy sees it: closed or not, its own moderation mode,
    and when its first comment came (the start of `close_after_days`).

    A row is made when the article's first comment is taken in, or when an admin changes it.
    """

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_site_article", "site_id", "article_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    article_id: Mapped[str] = mapped_column(String(255))
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # None: the site's mode applies.
    moderation_mode: Mapped[str | None] = mapped_column(String(8))
    first_comment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))
