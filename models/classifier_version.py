"""Trained classifiers, their activations and their training data, all in the database so
that every worker on every machine loads the same version."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


class ClassifierVersion(Base):
    """A serialised classifier with what it was trained on and how well it scored."""

    __tablename__ = "classifier_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    # The site whose labels it was trained with; NULL for a base (all-sites) version.
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), index=True
    )
    # Deferred: listings and activations never need the ~1 MB blob; only loading does.
    artefact: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    artefact_sha256: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    trained_on: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClassifierActivation(Base):
    """A version put in force, globally (site_id NULL) or for one site.

    Append-only: the active version of a scope is its latest activation not rolled back,
    so rollback walks back through history and every change stays auditable.
    """

    __tablename__ = "classifier_activations"
    __table_args__ = (Index("ix_classifier_activations_scope", "site_id", "rolled_back", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("classifier_versions.id", ondelete="CASCADE")
    )
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_by: Mapped[str] = mapped_column(String(100))
    rolled_back: Mapped[bool] = mapped_column(Boolean, default=False)
    rolled_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[ClassifierVersion] = relationship(lazy="joined", innerjoin=True)


class TrainingExample(Base):
    """A labelled text of a named corpus; the `base` corpus trains every site's classifier."""

    __tablename__ = "training_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    corpus: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingRun(Base):
    """One retraining of a site's classifier: the candidate against the version in force on
    the site's most recent labels, and whether it was promoted."""

    __tablename__ = "training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    candidate_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("classifier_versions.id", ondelete="SET NULL")
    )
    baseline_version: Mapped[str | None] = mapped_column(String(64))
    n_train_labels: Mapped[int] = mapped_column(Integer)
    n_holdout_labels: Mapped[int] = mapped_column(Integer)
    candidate_metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    baseline_metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    promoted: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(200))
