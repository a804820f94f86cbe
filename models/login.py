"""Web logins: the failures, counted to rate-limit password guessing across every web
process, and the signed-in sessions, so that signing out can revoke one."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class LoginFailure(Base):
    """One failed login, by subject (the name tried, or the client's address).

    Kept in the database rather than in process memory, so that every web process (and every
    host) counts the same failures; old rows are deleted as new ones are written.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_subject_created_at", "subject", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSession(Base):
    """A signed-in web session: the SHA-256 of the random token its cookie carries.

    The signed cookie alone could not be revoked: a copy taken before signing out would stay
    valid until it expired. With this row, signing out deletes it and the copy stops working
    at once, in every web process; a new password ends every session of its moderator.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    moderator_id: Mapped[int] = mapped_column(
        ForeignKey("moderators.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
