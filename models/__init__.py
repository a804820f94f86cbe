"""SQLAlchemy tables shared by the web service and the workers."""

from pathlib import Path

from models.base import Base, utcnow
from models.classifier_version import (
    ClassifierActivation,
    ClassifierVersion,
    TrainingExample,
    TrainingRun,
)
from models.comment import Actor, Comment, CommentStatus, ModerationEvent
from models.site import ModerationMode, Moderator, Site, moderator_sites

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

__all__ = [
    "MIGRATIONS_DIR",
    "Actor",
    "Base",
    "ClassifierActivation",
    "ClassifierVersion",
    "Comment",
    "CommentStatus",
    "ModerationEvent",
    "ModerationMode",
    "Moderator",
    "Site",
    "TrainingExample",
    "TrainingRun",
    "moderator_sites",
    "utcnow",
]
