"""Failed web logins, counted to rate-limit password guessing across every web process."""

from datetime import datetime

from sqlalchemy import Index, String
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
