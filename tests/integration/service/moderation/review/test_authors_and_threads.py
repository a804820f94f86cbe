"""An author's record by e-mail and IP, deciding all their pending comments, and threads."""

import pytest
from flask import Flask

from models import Comment, CommentStatus
from service.accounts.auth import moderator_ref
from service.errors import CommentNotFound, InvalidInput
from service.extensions import db
from service.moderation.review.authors import AuthorKey, decide_author_pending, get_author_record
from service.moderation.review.threads import get_parents, get_thread
from tests.support.factories import create_comment, create_moderator, create_site


def test_the_record_counts_and_lists_an_authors_comments_in_the_moderators_sites(
    app: Flask,
) -> None:
    site, other = create_site().site, create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    email = "troll@example.org"
    statuses = ["approved", "rejected", "rejected", "pending"]
    mine = [create_comment(site, status=s, author_email=email) for s in statuses]
    create_comment(other, status="rejected", author_email=email)
    create_comment(site, status="rejected", author_email="someone@example.org")

    record = get_author_record(alice, AuthorKey(email=email), limit=3)

    assert record.counts == {"queued": 0, "pending": 1, "approved": 1, "rejected": 2}
    assert [row.id for row in record.recent] == [c.id for c in reversed(mine)][:3]
    assert record.recent[0].site_slug == site.slug


def test_the_record_by_ip(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    create_comment(site, status="pending", author_ip="10.0.0.1")
    create_comment(site, status="pending", author_ip="10.0.0.2")
    assert get_author_record(alice, AuthorKey(ip="10.0.0.1")).pending == 1
    with pytest.raises(InvalidInput):
        get_author_record(alice, AuthorKey())


def test_one_action_decides_all_the_authors_pending_comments(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    pending = [create_comment(site, status="pending", author_ip="10.0.0.9") for _ in range(2)]
    approved = create_comment(site, status="approved", author_ip="10.0.0.9")
    theirs = create_comment(other, status="pending", author_ip="10.0.0.9")

    result = decide_author_pending(
        alice, AuthorKey(ip="10.0.0.9"), to_status=CommentStatus.REJECTED, reason="spam"
    )

    assert sorted(result.decided) == [c.id for c in pending]
    assert db.session.get(Comment, approved.id).status == "approved"
    assert db.session.get(Comment, theirs.id).status == "pending"


def test_a_thread_has_the_parent_and_the_replies_of_any_status(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    parent = create_comment(site, status="approved")
    comment = create_comment(site, status="pending", parent_id=parent.id)
    replies = [
        create_comment(site, status=s, parent_id=comment.id) for s in ("approved", "rejected")
    ]
    create_comment(site, status="approved", parent_id=parent.id)  # a sibling, not a reply

    thread = get_thread(comment.id, alice)

    assert thread.comment.id == comment.id
    assert thread.parent.id == parent.id
    assert [r.id for r in thread.replies] == [r.id for r in replies]
    assert get_thread(parent.id, alice).parent is None


def test_another_sites_thread_is_not_found(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    mallory = moderator_ref(create_moderator(other).moderator)
    comment = create_comment(site, status="pending")
    with pytest.raises(CommentNotFound):
        get_thread(comment.id, mallory)


def test_the_parents_of_a_page_of_replies_in_one_call(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    parent = create_comment(site, status="approved")
    foreign = create_comment(other, status="approved")
    replies = [
        create_comment(site, status="pending", parent_id=parent.id),
        create_comment(site, status="pending", parent_id=foreign.id),  # not possible via intake
        create_comment(site, status="pending"),
    ]
    parents = get_parents(alice, replies)
    assert list(parents) == [parent.id]
    assert parents[parent.id].site_slug == site.slug
