"""Classifying and deciding comments, on PostgreSQL and SQLite."""

import pytest
from flask import Flask

from classifier import KeywordClassifier, Verdict
from models import ActorKind, Comment, CommentStatus, ModerationEvent, ModerationMode
from service.extensions import db
from service.learning.classifiers import StaticClassifiers
from service.moderation import classify as classification
from tests.support.classifiers import FixedScores, explanation_of
from tests.support.factories import create_comment, create_site

SPAM = "Guadagna soldi facili con il casino online, clicca qui: bonus gratis!"
HAM = "Il sindaco ha ragione sul traffico in centro, ma servono più autobus."


def events_of(comment_id: int) -> list[ModerationEvent]:
    return list(db.session.scalars(db.select(ModerationEvent).filter_by(comment_id=comment_id)))


def test_clear_spam_is_rejected_clear_ham_approved_and_the_rest_held(app: Flask) -> None:
    site = create_site().site
    texts = {"spam": 0.97, "ham": 0.03, "unsure": 0.5}
    ids = {text: create_comment(site, body=text).id for text in texts}
    decided = classification.classify_comments(
        list(ids.values()), StaticClassifiers(FixedScores(texts))
    )
    assert sorted(decided) == sorted(ids.values())
    status = {text: db.session.get(Comment, cid).status for text, cid in ids.items()}
    assert status == {"spam": "rejected", "ham": "approved", "unsure": "pending"}
    spam = db.session.get(Comment, ids["spam"])
    assert (spam.decided_by, spam.decision_reason, spam.spam_score) == ("classifier", "spam", 0.97)
    assert spam.classifier_version == "fixed-1"
    assert spam.version == 2
    [event] = events_of(spam.id)
    assert (event.actor, event.from_status, event.to_status) == (
        ActorKind.CLASSIFIER,
        "queued",
        "rejected",
    )
    assert (event.score, event.classifier_version) == (0.97, "fixed-1")
    assert event.explanation == spam.explanation == explanation_of("spam")


def test_pre_moderated_sites_hold_even_clear_ham(app: Flask) -> None:
    site = create_site(moderation_mode=ModerationMode.PRE).site
    comment = create_comment(site, body=HAM)
    classification.classify_comments([comment.id], StaticClassifiers(FixedScores({HAM: 0.01})))
    db.session.refresh(comment)
    assert (comment.status, comment.decision_reason) == ("pending", "pre_moderation")


def test_classifying_twice_changes_nothing_the_second_time(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site, body=SPAM)
    classifiers = StaticClassifiers(KeywordClassifier())
    assert classification.classify_comments([comment.id], classifiers) == [comment.id]
    db.session.refresh(comment)
    version, decided_at = comment.version, comment.decided_at
    assert classification.classify_comments([comment.id], classifiers) == []
    db.session.refresh(comment)
    assert (comment.version, comment.decided_at) == (version, decided_at)
    assert len(events_of(comment.id)) == 1


def test_one_batch_scores_several_sites_with_one_call_each(app: Flask) -> None:
    calls: list[int] = []

    class Counting(FixedScores):
        def predict_many(self, texts: list[str]) -> list[Verdict]:
            calls.append(len(texts))
            return super().predict_many(texts)

    site_a, site_b = create_site().site, create_site().site
    ids = [create_comment(site_a, body=f"a{i}").id for i in range(3)]
    ids += [create_comment(site_b, body=f"b{i}").id for i in range(2)]
    scores = {f"a{i}": 0.1 for i in range(3)} | {f"b{i}": 0.95 for i in range(2)}
    decided = classification.classify_comments(ids, StaticClassifiers(Counting(scores)))
    assert sorted(decided) == sorted(ids)
    assert sorted(calls) == [2, 3]


def test_a_large_batch_is_decided_in_chunks(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classification, "CHUNK_SIZE", 2)
    calls: list[int] = []

    class Counting(FixedScores):
        def predict_many(self, texts: list[str]) -> list[Verdict]:
            calls.append(len(texts))
            return super().predict_many(texts)

    site = create_site().site
    ids = [create_comment(site, body=f"c{i}").id for i in range(5)]
    scores = {f"c{i}": 0.95 for i in range(5)}
    decided = classification.classify_comments(ids, StaticClassifiers(Counting(scores)))
    assert sorted(decided) == sorted(ids)
    assert calls == [2, 2, 1]  # never more than a chunk in memory at once
    assert {db.session.get(Comment, cid).status for cid in ids} == {"rejected"}


def test_hold_for_review_moves_only_queued_comments(app: Flask) -> None:
    site = create_site().site
    queued = create_comment(site)
    approved = create_comment(site, status=CommentStatus.APPROVED)
    held = classification.hold_for_review([queued.id, approved.id], reason="classification_failed")
    assert held == [queued.id]
    db.session.refresh(queued)
    assert (queued.status, queued.decided_by, queued.decision_reason) == (
        "pending",
        "rule",
        "classification_failed",
    )
    assert db.session.get(Comment, approved.id).status == "approved"
