"""Undo (within seconds) and reversal (any time) of moderators' decisions."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from models import Comment, CommentStatus, ModerationEvent, utcnow
from service.accounts.auth import ModeratorRef, moderator_ref
from service.errors import CommentNotFound, InvalidTransition, StaleVersion, UndoUnavailable
from service.extensions import db
from service.learning import corpus
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Change
from service.moderation.review import actions as queue
from service.moderation.review import undo
from tests.support.factories import create_comment, create_moderator, create_site


def moderator(site, name: str | None = None) -> ModeratorRef:  # type: ignore[no-untyped-def]
    return moderator_ref(create_moderator(site, name).moderator)


def classified(site, status: str) -> Comment:  # type: ignore[no-untyped-def]
    """A comment the classifier decided, through the gate (so it has its audit event)."""
    comment = create_comment(site)
    gate.transition([Change(comment.id, CommentStatus.QUEUED, status, "not_spam", CLASSIFIER)])
    db.session.commit()
    return comment


def age_events(comment_id: int, seconds: float) -> None:
    db.session.execute(
        update(ModerationEvent)
        .where(ModerationEvent.comment_id == comment_id)
        .values(created_at=utcnow() - timedelta(seconds=seconds))
    )
    db.session.commit()


def test_undo_puts_the_comment_back_as_it_was_and_is_audited(app: Flask) -> None:
    site = create_site().site
    alice = moderator(site)
    comment = classified(site, CommentStatus.APPROVED)
    before = db.session.get(Comment, comment.id)
    decided_at = before.decided_at
    rejected = queue.reject_comment(comment.id, alice, reason="spam")

    undone = undo.undo_decision(comment.id, alice, expected_version=rejected.version)

    assert (undone.status, undone.decided_by_kind, undone.decided_by) == (
        "approved",
        "classifier",
        "classifier",
    )
    assert undone.decision_reason == "not_spam"
    assert abs((undone.decided_at - decided_at).total_seconds()) < 1
    assert corpus.count_site_labels(site.id) == 0  # the undone reversal teaches nothing
    last = queue.get_history(comment.id, alice)[-1]
    assert (last.reason, last.actor_id, last.from_status, last.to_status) == (
        "undo",
        alice.id,
        "rejected",
        "approved",
    )


def test_undoing_a_decision_on_a_pending_comment_puts_it_back_in_the_queue(app: Flask) -> None:
    site = create_site().site
    alice = moderator(site)
    comment = classified(site, CommentStatus.PENDING)
    queue.approve_comment(comment.id, alice)
    assert undo.undo_decision(comment.id, alice).status == "pending"


def test_undo_is_refused_after_the_window(app: Flask) -> None:
    site = create_site().site
    alice = moderator(site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    queue.approve_comment(comment.id, alice)
    age_events(comment.id, 11)
    with pytest.raises(UndoUnavailable, match="too old"):
        undo.undo_decision(comment.id, alice)
    assert db.session.get(Comment, comment.id).status == "approved"


def test_undo_is_refused_when_a_later_decision_exists(app: Flask) -> None:
    site = create_site().site
    alice, bob = moderator(site), moderator(site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    mine = queue.approve_comment(comment.id, alice)
    queue.reject_comment(comment.id, bob, reason="abuse")
    with pytest.raises(StaleVersion):
        undo.undo_decision(comment.id, alice, expected_version=mine.version)
    with pytest.raises(UndoUnavailable, match="not your decision"):
        undo.undo_decision(comment.id, alice)


def test_an_undo_cannot_itself_be_undone(app: Flask) -> None:
    site = create_site().site
    alice = moderator(site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    queue.approve_comment(comment.id, alice)
    undo.undo_decision(comment.id, alice)
    with pytest.raises(UndoUnavailable, match="already undone"):
        undo.undo_decision(comment.id, alice)


def test_undo_after_an_earlier_undo_restores_the_decision_before_both(app: Flask) -> None:
    site = create_site().site
    alice = moderator(site, "alice")
    comment = classified(site, CommentStatus.PENDING)
    queue.approve_comment(comment.id, alice)
    undo.undo_decision(comment.id, alice)
    queue.reject_comment(comment.id, alice, reason="spam")
    undone = undo.undo_decision(comment.id, alice)
    assert (undone.status, undone.decided_by) == ("pending", "classifier")


def test_undo_is_scoped_to_the_moderators_sites(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    alice, mallory = moderator(site), moderator(other)
    comment = create_comment(site, status=CommentStatus.PENDING)
    queue.approve_comment(comment.id, alice)
    with pytest.raises(CommentNotFound):
        undo.undo_decision(comment.id, mallory)


def test_reverse_flips_a_decision_at_any_time_and_is_audited(app: Flask) -> None:
    site = create_site().site
    alice = moderator(site)
    comment = classified(site, CommentStatus.APPROVED)
    age_events(comment.id, 3600)
    rejected = undo.reverse_decision(comment.id, alice, reason="abuse", expected_version=2)
    assert (rejected.status, rejected.decision_reason) == ("rejected", "abuse")
    approved = undo.reverse_decision(comment.id, alice, expected_version=rejected.version)
    assert approved.status == "approved"
    assert [(e.from_status, e.to_status) for e in queue.get_history(comment.id, alice)] == [
        ("queued", "approved"),
        ("approved", "rejected"),
        ("rejected", "approved"),
    ]


def test_only_a_decided_comment_can_be_reversed(app: Flask) -> None:
    site = create_site().site
    alice = moderator(site)
    comment = create_comment(site, status=CommentStatus.PENDING)
    with pytest.raises(InvalidTransition):
        undo.reverse_decision(comment.id, alice)
    with pytest.raises(StaleVersion):
        undo.reverse_decision(comment.id, alice, expected_version=7)
