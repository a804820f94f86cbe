"""What the gate is asked to do and what it did: plain values, no database.

The decision core (`assessment`), the review actions and the listeners all speak in these,
so none of them needs the gate's SQL to describe a change.
"""

from dataclasses import dataclass
from datetime import datetime

from models import ActorKind
from service.moderation.assessment import Scored

RESCORED = "rescored"  # the audit reason of a new score that leaves the status as it was
UNDO = "undo"  # the audit reason of an undone decision (service/moderation/review/undo.py)


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a kind, an id for people, and the name to show."""

    kind: str
    name: str
    id: int | None = None

    @classmethod
    def moderator(cls, moderator_id: int, name: str) -> "Actor":
        """A moderator, by id."""
        return cls(ActorKind.MODERATOR, name, moderator_id)


CLASSIFIER = Actor(ActorKind.CLASSIFIER, "classifier")
RULE = Actor(ActorKind.RULE, "rule")


@dataclass(frozen=True)
class Change:
    """Move one comment from `from_status` (as its caller saw it) to `to_status`."""

    comment_id: int
    from_status: str
    to_status: str
    reason: str | None
    actor: Actor
    expected_version: int | None = None
    scored: Scored | None = None
    note: str | None = None


@dataclass(frozen=True)
class Applied:
    """A change that was made, with the comment's new version and its score after it."""

    change: Change
    version: int
    spam_score: float | None
    classifier_version: str | None
    site_id: int
    created_at: datetime
    article_id: str

    @property
    def moved(self) -> bool:
        """Whether the status changed (a rescore or a confirmation keeps it)."""
        return self.change.from_status != self.change.to_status


@dataclass(frozen=True)
class PastDecision:
    """Who had decided a comment, and why and when, before the decision being undone.

    All None when nobody had (the comment was still `queued`).
    """

    kind: str | None = None
    actor_id: int | None = None
    name: str | None = None
    reason: str | None = None
    at: datetime | None = None
