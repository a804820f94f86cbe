"""Moderator decisions through the gate: the answer is the state the decision produced."""

from flask import Flask

from models import Comment, CommentStatus
from service.accounts.auth import moderator_ref
from service.extensions import db
from service.moderation.review import actions as queue
from tests.support.factories import create_comment, create_moderator, create_site


def test_a_decision_returns_its_own_version_even_after_a_later_decision(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    bob = moderator_ref(create_moderator(site).moderator)
    comment = create_comment(site, status=CommentStatus.PENDING)

    approved = queue.approve_comment(comment.id, alice)
    queue.reject_comment(comment.id, bob, reason="spam")  # lands before alice's answer is sent

    assert (approved.status, approved.version, approved.decided_by) == ("approved", 2, alice.name)
    assert db.session.get(Comment, comment.id).status == "rejected"


def test_a_moderator_decision_is_recorded_by_kind_and_id(app: Flask) -> None:
    site = create_site().site
    rule = moderator_ref(create_moderator(site, name="rule").moderator)
    comment = create_comment(site, status=CommentStatus.PENDING)
    queue.approve_comment(comment.id, rule)
    [event] = queue.get_history(comment.id, rule)
    assert (event.actor_kind, event.actor_id, event.actor) == ("moderator", rule.id, "rule")
    stored = db.session.get(Comment, comment.id)
    assert (stored.decided_by_kind, stored.decided_by_id) == ("moderator", rule.id)
