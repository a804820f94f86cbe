"""Bulk decisions: by a list of (id, version) and by filter, conflicts reported, never
overwritten."""

import pytest
from flask import Flask

from models import Comment, CommentStatus
from service.accounts.auth import moderator_ref
from service.errors import InvalidInput
from service.extensions import db
from service.moderation.review import actions as queue
from service.moderation.review.bulk import Target, bulk_decide, bulk_decide_matching
from service.moderation.review.filters import QueueFilter
from tests.support.factories import create_comment, create_moderator, create_site


def test_a_list_is_decided_and_a_stale_version_is_a_conflict_left_as_it_is(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    bob = moderator_ref(create_moderator(site).moderator)
    fresh = create_comment(site, status=CommentStatus.PENDING)
    stale = create_comment(site, status=CommentStatus.PENDING)
    theirs = create_comment(other, status=CommentStatus.PENDING)
    queue.approve_comment(stale.id, bob)  # version 2 now

    result = bulk_decide(
        alice,
        [Target(fresh.id, 1), Target(stale.id, 1), Target(theirs.id, 1)],
        to_status=CommentStatus.REJECTED,
        reason="spam",
    )

    assert (result.decided, result.conflicts, result.not_found) == (
        [fresh.id],
        [stale.id],
        [theirs.id],
    )
    assert db.session.get(Comment, fresh.id).decision_reason == "spam"
    assert db.session.get(Comment, stale.id).status == "approved"
    assert db.session.get(Comment, theirs.id).status == "pending"
    [event] = queue.get_history(fresh.id, alice)
    assert (event.actor_id, event.to_status) == (alice.id, "rejected")


def test_a_filter_decides_every_match_in_the_moderators_sites(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    spam = [create_comment(site, status="pending", body=f"casino {n}") for n in range(3)]
    ham = create_comment(site, status="pending", body="grazie")
    theirs = create_comment(other, status="pending", body="casino")

    result = bulk_decide_matching(
        alice, QueueFilter(search="casino"), to_status=CommentStatus.REJECTED, reason="spam"
    )

    assert sorted(result.decided) == [c.id for c in spam]
    assert (result.conflicts, result.more) == ([], False)
    assert db.session.get(Comment, ham.id).status == "pending"
    assert db.session.get(Comment, theirs.id).status == "pending"


def test_a_filter_decides_at_most_the_limit_and_says_more_remain(app: Flask) -> None:
    site_a, site_b = create_site().site, create_site().site
    bob = moderator_ref(create_moderator([site_a, site_b]).moderator)
    comments = [create_comment(s, status="pending") for s in (site_a, site_b, site_a)]
    app.config["BULK_DECISION_LIMIT"] = 2
    try:
        result = bulk_decide_matching(bob, QueueFilter(), to_status=CommentStatus.APPROVED)
    finally:
        app.config["BULK_DECISION_LIMIT"] = 1000
    assert (result.decided, result.more) == ([comments[0].id, comments[1].id], True)


def test_a_list_over_the_limit_is_refused(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    app.config["BULK_DECISION_LIMIT"] = 1
    try:
        with pytest.raises(InvalidInput):
            bulk_decide(alice, [Target(1), Target(2)], to_status=CommentStatus.APPROVED)
    finally:
        app.config["BULK_DECISION_LIMIT"] = 1000
