import pytest

from models import CommentStatus, ModerationMode
from service.moderation.policy import SitePolicy, decide

POST = SitePolicy(
    auto_reject_above=0.9, auto_approve_below=0.2, moderation_mode=ModerationMode.POST
)
PRE = SitePolicy(auto_reject_above=0.9, auto_approve_below=0.2, moderation_mode=ModerationMode.PRE)


@pytest.mark.parametrize(
    ("score", "status", "reason"),
    [
        (0.0, CommentStatus.APPROVED, "not_spam"),
        (0.199, CommentStatus.APPROVED, "not_spam"),
        (0.2, CommentStatus.PENDING, "uncertain"),
        (0.5, CommentStatus.PENDING, "uncertain"),
        (0.899, CommentStatus.PENDING, "uncertain"),
        (0.9, CommentStatus.REJECTED, "spam"),
        (1.0, CommentStatus.REJECTED, "spam"),
    ],
)
def test_post_moderation_publishes_clear_ham_rejects_clear_spam_holds_the_rest(
    score: float, status: str, reason: str
) -> None:
    decision = decide(score, POST)
    assert (decision.status, decision.reason) == (status, reason)


@pytest.mark.parametrize("score", [0.0, 0.1, 0.5, 0.89])
def test_pre_moderation_never_publishes_without_a_human(score: float) -> None:
    decision = decide(score, PRE)
    assert decision.status == CommentStatus.PENDING
    assert decision.reason == "pre_moderation"


def test_pre_moderation_still_rejects_clear_spam() -> None:
    assert decide(0.95, PRE).status == CommentStatus.REJECTED


def test_site_thresholds_are_honoured() -> None:
    strict = SitePolicy(auto_reject_above=0.6, auto_approve_below=0.05)
    assert decide(0.61, strict).status == CommentStatus.REJECTED
    assert decide(0.1, strict).status == CommentStatus.PENDING
    assert decide(0.01, strict).status == CommentStatus.APPROVED


@pytest.mark.parametrize("score", [0.0, 0.5, 0.99])
def test_a_comment_of_unfamiliar_words_is_held_whatever_its_score(score: float) -> None:
    decision = decide(score, POST, familiarity=0.2)
    assert (decision.status, decision.reason) == (CommentStatus.PENDING, "unfamiliar")


def test_familiar_comments_and_comments_without_words_are_decided_by_their_score() -> None:
    assert decide(0.95, POST, familiarity=0.5).status == CommentStatus.REJECTED
    assert decide(0.05, POST, familiarity=1.0).status == CommentStatus.APPROVED
    assert decide(0.05, POST, familiarity=None).status == CommentStatus.APPROVED


def test_a_site_can_turn_the_unfamiliar_hold_off() -> None:
    trusting = SitePolicy(hold_unfamiliar_below=0.0)
    assert decide(0.95, trusting, familiarity=0.0).status == CommentStatus.REJECTED
