"""Re-scoring the review queue, on PostgreSQL and SQLite."""

from flask import Flask

from classifier import Classifier
from models import ActorKind, Comment, CommentStatus, ModerationEvent, ModerationMode, Site
from service.accounts.auth import moderator_ref
from service.extensions import db
from service.learning.classifiers import StaticClassifiers
from service.moderation.changes import RESCORED
from service.moderation.rescore import NOTE, RescoreSummary, rescore_pending
from service.moderation.review import actions as moderation
from tests.support.classifiers import FixedScores, explanation_of
from tests.support.factories import create_comment, create_moderator, create_site

SPAM = "Guadagna soldi facili con il casino online: bonus gratis!"
HAM = "Il sindaco ha ragione sul traffico in centro, ma servono più autobus."
UNSURE = "Interessante, ma chi paga i lavori?"
SCORES = {SPAM: 0.97, HAM: 0.03, UNSURE: 0.5}


def held(site: Site, body: str, **fields: object) -> Comment:
    """A comment the classifier of an older version held for review."""
    values = {
        "spam_score": 0.5,
        "classifier_version": "old-1",
        "explanation": {"spam": [], "ham": []},
        "decided_by": ActorKind.CLASSIFIER,
        "decided_by_kind": ActorKind.CLASSIFIER,
        "decision_reason": "uncertain",
    }
    values.update(fields)
    return create_comment(site, body=body, status=CommentStatus.PENDING, **values)


def events_of(comment_id: int) -> list[ModerationEvent]:
    query = db.select(ModerationEvent).filter_by(comment_id=comment_id).order_by("id")
    return list(db.session.scalars(query))


def fixed() -> StaticClassifiers:
    return StaticClassifiers(FixedScores(SCORES))


def test_pending_comments_get_the_new_score_and_stay_pending(app: Flask) -> None:
    site = create_site().site
    spam, ham = held(site, SPAM), held(site, HAM)
    summary = rescore_pending(fixed())
    assert summary == RescoreSummary(still_pending=2)
    for comment, score in ((spam, 0.97), (ham, 0.03)):
        db.session.refresh(comment)
        assert (comment.status, comment.decision_reason) == ("pending", "uncertain")
        assert (comment.spam_score, comment.classifier_version) == (score, "fixed-1")
        assert comment.explanation == explanation_of(comment.body)
        assert comment.version == 2  # the representation changed, so does the ETag
        [event] = events_of(comment.id)
        assert (event.actor, event.from_status, event.to_status) == ("classifier", *["pending"] * 2)
        assert (event.reason, event.note, event.score) == (RESCORED, NOTE, score)
        assert (event.classifier_version, event.explanation) == ("fixed-1", comment.explanation)


def test_with_the_policy_applied_the_new_score_decides_what_it_can(app: Flask) -> None:
    site = create_site().site
    spam, ham, unsure = held(site, SPAM), held(site, HAM), held(site, UNSURE)
    summary = rescore_pending(fixed(), apply_policy=True)
    assert summary == RescoreSummary(still_pending=1, approved=1, rejected=1)
    for comment in (spam, ham, unsure):
        db.session.refresh(comment)
    assert (spam.status, spam.decided_by) == ("rejected", "classifier")
    assert spam.decision_reason == "spam"
    assert (ham.status, ham.decision_reason) == ("approved", "not_spam")
    assert (unsure.status, unsure.spam_score) == ("pending", 0.5)
    [event] = events_of(spam.id)
    assert (event.from_status, event.to_status, event.reason) == ("pending", "rejected", "spam")
    assert (event.note, event.score, event.classifier_version) == (NOTE, 0.97, "fixed-1")
    assert spam.explanation == event.explanation == explanation_of(SPAM)
    assert [e.reason for e in events_of(unsure.id)] == [RESCORED]


def test_a_pre_moderated_site_never_has_comments_published_by_a_rescore(app: Flask) -> None:
    site = create_site(moderation_mode=ModerationMode.PRE).site
    ham = held(site, HAM, decision_reason="pre_moderation")
    assert rescore_pending(fixed(), apply_policy=True) == RescoreSummary(still_pending=1)
    db.session.refresh(ham)
    assert (ham.status, ham.decision_reason, ham.spam_score) == ("pending", "pre_moderation", 0.03)


def test_comments_held_after_classification_failed_get_their_first_score(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(
        site, body=SPAM, status=CommentStatus.PENDING,
        decided_by=ActorKind.RULE, decided_by_kind=ActorKind.RULE,
        decision_reason="classification_failed",
    )  # fmt: skip
    assert rescore_pending(fixed(), apply_policy=True) == RescoreSummary(rejected=1)
    db.session.refresh(comment)
    assert (comment.status, comment.spam_score, comment.decided_by) == (
        "rejected",
        0.97,
        "classifier",
    )


def test_only_pending_comments_of_the_chosen_site_are_touched(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    mine = held(site, SPAM)
    theirs = held(other, SPAM)
    untouched = [
        create_comment(site, body=SPAM, status=status, spam_score=0.5)
        for status in (CommentStatus.QUEUED, CommentStatus.APPROVED, CommentStatus.REJECTED)
    ]
    summary = rescore_pending(fixed(), site=site, apply_policy=True)
    assert summary == RescoreSummary(rejected=1)
    db.session.refresh(mine)
    assert mine.status == "rejected"
    for comment in [theirs, *untouched]:
        status = comment.status
        db.session.refresh(comment)
        assert (comment.status, comment.spam_score, comment.version) == (status, 0.5, 1)
        assert events_of(comment.id) == []


def test_a_long_queue_is_read_in_batches_and_each_comment_scored_once(app: Flask) -> None:
    site = create_site().site
    comments = [held(site, text) for text in (SPAM, HAM, UNSURE, HAM, SPAM)]
    summary = rescore_pending(fixed(), apply_policy=True, batch_size=2)
    assert summary == RescoreSummary(still_pending=1, approved=2, rejected=2)
    assert [len(events_of(comment.id)) for comment in comments] == [1] * 5


class ModeratorGetsThereFirst:
    """A classifier source that lets a moderator approve a comment while the batch is scored,
    as a moderator working the queue during a rescore would."""

    def __init__(self, comment_id: int, moderator_site: Site):
        self.comment_id = comment_id
        self.moderator = moderator_ref(create_moderator(moderator_site).moderator)

    def for_site(self, site_id: int) -> Classifier:
        moderation.approve_comment(self.comment_id, self.moderator)
        return FixedScores(SCORES)


def test_a_comment_a_moderator_decides_meanwhile_keeps_the_moderators_decision(
    app: Flask,
) -> None:
    site = create_site().site
    spam, other = held(site, SPAM), held(site, UNSURE)
    source = ModeratorGetsThereFirst(spam.id, site)
    summary = rescore_pending(source, apply_policy=True)
    assert summary == RescoreSummary(still_pending=1, skipped=1)
    db.session.refresh(spam)
    assert (spam.status, spam.decided_by, spam.spam_score) == (
        "approved",
        source.moderator.name,
        0.5,
    )
    assert [event.actor for event in events_of(spam.id)] == [source.moderator.name]
    db.session.refresh(other)
    assert other.classifier_version == "fixed-1"
