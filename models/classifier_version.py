"""Trained classifiers, stored in the database so that every worker on every machine loads
the same one."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ClassifierVersion(Base):
    """A serialised classifier with what it was trained on and how well it scored."""

    __tablename__ = "classifier_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), index=True
    )
    artefact: Mapped[bytes] = mapped_column(LargeBinary)
    artefact_sha256: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    trained_on: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# At most one active version globally (site_id NULL counts as 0) and at most one per site,
# enforced by the database so that two processes activating at once cannot both win.
Index(
    "uq_classifier_versions_one_active",
    func.coalesce(ClassifierVersion.site_id, 0),
    unique=True,
    postgresql_where=ClassifierVersion.is_active,
    sqlite_where=ClassifierVersion.is_active,
)
