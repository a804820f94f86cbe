"""The decision policy: a spam score and a site's settings give a status. Pure and small."""

from dataclasses import dataclass

from models import CommentStatus, ModerationMode, PolicyDefaults


@dataclass(frozen=True)
class SitePolicy:
    """The settings of one site that the policy reads."""

    auto_reject_above: float = PolicyDefaults.AUTO_REJECT_ABOVE
    auto_approve_below: float = PolicyDefaults.AUTO_APPROVE_BELOW
    moderation_mode: str = PolicyDefaults.MODERATION_MODE


@dataclass(frozen=True)
class Decision:
    """The status a comment moves to and why."""

    status: str
    reason: str


def decide(score: float, policy: SitePolicy) -> Decision:
    """Reject clear spam, publish clear ham (post-moderation only), hold the rest."""
    if score >= policy.auto_reject_above:
        return Decision(CommentStatus.REJECTED, "spam")
    if policy.moderation_mode == ModerationMode.PRE:
        return Decision(CommentStatus.PENDING, "pre_moderation")
    if score < policy.auto_approve_below:
        return Decision(CommentStatus.APPROVED, "not_spam")
    return Decision(CommentStatus.PENDING, "uncertain")
