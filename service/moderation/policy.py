"""The decision policy: a spam score and a site's settings give a status. Pure and small."""

from dataclasses import dataclass

from models import CommentStatus, ModerationMode, PolicyDefaults


@dataclass(frozen=True)
class SitePolicy:
    """The settings of one site that the policy reads."""

    auto_reject_above: float = PolicyDefaults.AUTO_REJECT_ABOVE
    auto_approve_below: float = PolicyDefaults.AUTO_APPROVE_BELOW
    moderation_mode: str = PolicyDefaults.MODERATION_MODE
    hold_unfamiliar_below: float = PolicyDefaults.HOLD_UNFAMILIAR_BELOW


@dataclass(frozen=True)
class Decision:
    """The status a comment moves to and why."""

    status: str
    reason: str


def decide(score: float, policy: SitePolicy, familiarity: float | None = None) -> Decision:
    """Hold what the classifier does not know, reject clear spam, publish clear ham
    (post-moderation only), hold the rest.

    `familiarity` is the share of the comment's words the classifier has seen
    (classifier/novelty.py; None when it cannot tell). Below the site's threshold the score is
    not trusted either way: on text unlike its training data the classifier is confidently
    wrong, and a legitimate comment rejected by a machine is the costliest mistake.
    """
    if familiarity is not None and familiarity < policy.hold_unfamiliar_below:
        return Decision(CommentStatus.PENDING, "unfamiliar")
    if score >= policy.auto_reject_above:
        return Decision(CommentStatus.REJECTED, "spam")
    if policy.moderation_mode == ModerationMode.PRE:
        return Decision(CommentStatus.PENDING, "pre_moderation")
    if score < policy.auto_approve_below:
        return Decision(CommentStatus.APPROVED, "not_spam")
    return Decision(CommentStatus.PENDING, "uncertain")
