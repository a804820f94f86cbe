"""The review queue's pages: statements built once per shape of request, on both backends."""

from flask import Flask
from sqlalchemy.dialects import postgresql

from service.accounts.auth import moderator_ref
from service.moderation.review import actions as queue
from service.moderation.review.filters import QueueFilter
from service.moderation.review.listing import queue_statement
from tests.support.factories import create_comment, create_moderator, create_site


def listed_ids(moderator, queue_filter: QueueFilter, **page) -> list[int]:  # type: ignore[no-untyped-def]
    return [row.id for row in queue.list_filtered(moderator, queue_filter, **page).items]


def test_one_shape_of_request_serves_every_value_of_that_shape(app: Flask) -> None:
    first, second = create_site().site, create_site().site
    alice = moderator_ref(create_moderator(first).moderator)
    bob = moderator_ref(create_moderator(second).moderator)
    a_pending = create_comment(first, status="pending", article_id="a", body="pista ciclabile")
    a_approved = create_comment(first, status="approved", article_id="a", body="pista ciclabile")
    b_pending = create_comment(second, status="pending", article_id="b", body="traffico")
    # The same shapes (status; status + article; status + text) with other values each time.
    assert listed_ids(alice, QueueFilter(status="pending")) == [a_pending.id]
    assert listed_ids(alice, QueueFilter(status="approved")) == [a_approved.id]
    assert listed_ids(bob, QueueFilter(status="pending")) == [b_pending.id]
    assert listed_ids(alice, QueueFilter(status="pending", article_id="a")) == [a_pending.id]
    assert listed_ids(alice, QueueFilter(status="pending", article_id="b")) == []
    assert listed_ids(bob, QueueFilter(status="pending", article_id="b")) == [b_pending.id]
    assert listed_ids(alice, QueueFilter(status="pending", search="ciclabile")) == [a_pending.id]
    assert listed_ids(alice, QueueFilter(status="pending", search="traffico")) == []
    assert listed_ids(bob, QueueFilter(status="pending", search="traffico")) == [b_pending.id]


def test_pages_continue_after_their_cursor_in_every_order_across_sites(app: Flask) -> None:
    first, second = create_site().site, create_site().site
    both = moderator_ref(create_moderator([first, second]).moderator)
    scores = [0.5, 0.9, 0.5, None, 0.7, 0.5, 0.2]  # ties, and one not scored (last in score order)
    comments = [
        create_comment((first, second)[n % 2], status="pending", spam_score=score)
        for n, score in enumerate(scores)
    ]
    expected = {
        "oldest": [c.id for c in comments],
        "newest": [c.id for c in reversed(comments)],
        "score": [c.id for c in sorted(comments, key=lambda c: (-(c.spam_score or -1.0), c.id))],
    }
    for order, ids in expected.items():
        seen, cursor = [], None
        while True:
            page = queue.list_filtered(
                both, QueueFilter(status="pending"), order=order, limit=2, cursor=cursor
            )
            seen += [row.id for row in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == ids, order


def test_the_score_order_writes_its_constant_so_an_index_serves_any_plan() -> None:
    # A prepared statement planned once for all values (a generic plan) matches the expression
    # index on coalesce(spam_score, -1.0) only if the -1.0 is in the SQL, not a parameter.
    statement = queue_statement(("status",), 1, "score", True)
    sql = str(statement.compile(dialect=postgresql.dialect()))
    assert "coalesce(comments.spam_score, -1.0) DESC" in sql
    assert "coalesce(comments.spam_score, -1.0) < %(key_0)s" in sql


def test_a_score_cursor_continues_in_ranges_an_index_walks_without_filtering() -> None:
    # The rest of the cursor's score (id after the cursor's), then the lower scores: no
    # condition that an index scan would have to test row by row (listing.after_score).
    sql = str(queue_statement(("status",), 1, "score", True).compile(dialect=postgresql.dialect()))
    assert "coalesce(comments.spam_score, -1.0) = %(key_0)s AND comments.id > %(key_1)s" in sql
    assert " OR " not in sql
