"""What Moderato answered to each Akismet-protocol check: the figures and `X-akismet-guid`."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class AkismetVerdict:
    """The answer a check got: `spam` (true), `ham` (false), `held` (for a human), or `label`
    for a comment first seen in a submit-spam/submit-ham (not a check: never counted)."""

    SPAM = "spam"
    HAM = "ham"
    HELD = "held"
    LABEL = "label"
    CHECKS = (SPAM, HAM, HELD)


class AkismetCheck(Base):
    """One comment that came in through the Akismet protocol, and what it was answered."""

    __tablename__ = "akismet_checks"
    __table_args__ = (Index("ix_akismet_checks_site_created", "site_id", "created_at"),)

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    # Sent back as X-akismet-guid; a client may quote it in submit-spam/submit-ham.
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    verdict: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
