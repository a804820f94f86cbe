"""SQLAlchemy tables shared by the web service and the workers."""

from pathlib import Path

from models.akismet import AkismetCheck, AkismetVerdict
from models.base import INTEGER_MAX, Base, utcnow
from models.classifier_version import (
    ClassifierActivation,
    ClassifierVersion,
    TrainingExample,
    TrainingRun,
)
from models.comment import QUEUE_SCORE, ActorKind, Comment, CommentStatus, ModerationEvent
from models.idempotency import IdempotencyKey
from models.site import ModerationMode, Moderator, PolicyDefaults, Site, moderator_sites

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

__all__ = [
    "INTEGER_MAX",
    "MIGRATIONS_DIR",
    "QUEUE_SCORE",
    "ActorKind",
    "AkismetCheck",
    "AkismetVerdict",
    "Base",
    "ClassifierActivation",
    "ClassifierVersion",
    "Comment",
    "CommentStatus",
    "IdempotencyKey",
    "ModerationEvent",
    "ModerationMode",
    "Moderator",
    "PolicyDefaults",
    "Site",
    "TrainingExample",
    "TrainingRun",
    "moderator_sites",
    "utcnow",
]
