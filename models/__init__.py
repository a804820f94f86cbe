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
from models.comment import (
    QUEUE_SCORE,
    SEARCH_INDEX,
    ActorKind,
    Comment,
    CommentStatus,
    ModerationEvent,
    queue_score,
    search_text,
)
from models.idempotency import IdempotencyKey
from models.login import LoginFailure, WebSession
from models.policy import Article, SitePolicyVersion
from models.site import (
    ModerationMode,
    Moderator,
    PolicyDefaults,
    Site,
    SiteRole,
    moderator_sites,
)
from models.webhook import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

__all__ = [
    "INTEGER_MAX",
    "MIGRATIONS_DIR",
    "QUEUE_SCORE",
    "SEARCH_INDEX",
    "ActorKind",
    "Article",
    "AkismetCheck",
    "AkismetVerdict",
    "Base",
    "ClassifierActivation",
    "ClassifierVersion",
    "Comment",
    "CommentStatus",
    "DeliveryStatus",
    "IdempotencyKey",
    "LoginFailure",
    "ModerationEvent",
    "ModerationMode",
    "Moderator",
    "PolicyDefaults",
    "Site",
    "SitePolicyVersion",
    "SiteRole",
    "TrainingExample",
    "TrainingRun",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebSession",
    "moderator_sites",
    "queue_score",
    "search_text",
    "utcnow",
]
