"""The review queue's filters and counts, on PostgreSQL and SQLite."""

import pytest
from flask import Flask
from sqlalchemy import select, text

from models import Comment, CommentStatus
from service.accounts.auth import moderator_ref
from service.errors import Forbidden
from service.extensions import db
from service.moderation.review import actions as queue
from service.moderation.review import counts
from service.moderation.review.counts import count_by_status
from service.moderation.review.filters import QueueFilter, matches_text
from tests.support.factories import create_comment, create_moderator, create_site


def narrow_search_window(monkeypatch: pytest.MonkeyPatch, size: int, per_site: int = 1) -> None:
    """Search windows of `size` comments per status (at least `per_site` per site), so a
    handful of comments can lie outside them."""
    monkeypatch.setattr(counts, "SEARCH_WINDOW", size)
    monkeypatch.setattr(counts, "MIN_SITE_WINDOW", per_site)


def listed(moderator, **filters) -> list[int]:  # type: ignore[no-untyped-def]
    page = queue.list_filtered(moderator, QueueFilter(**filters), limit=100)
    return [row.id for row in page.items]


def test_filters_by_classifier_version_and_score_range(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    low = create_comment(site, status="pending", spam_score=0.3, classifier_version="v1")
    high = create_comment(site, status="pending", spam_score=0.8, classifier_version="v2")
    create_comment(site, status="pending")  # not scored: outside any score range
    assert listed(alice, classifier_version="v2") == [high.id]
    assert listed(alice, min_score=0.5) == [high.id]
    assert listed(alice, max_score=0.5) == [low.id]
    assert listed(alice, min_score=0.3, max_score=0.8) == [low.id, high.id]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("CICLABILE", "body"),
        ("giulia", "name"),
        ("rossi@example", "email"),
        ("93.44.12", "ip"),
    ],
)
def test_text_search_looks_in_body_author_name_email_and_ip(
    app: Flask, search: str, expected: str
) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    comments = {
        "body": create_comment(site, status="pending", body="Una pista ciclabile, finalmente"),
        "name": create_comment(site, status="pending", author_name="Giulia"),
        "email": create_comment(site, status="pending", author_email="g.rossi@example.it"),
        "ip": create_comment(site, status="pending", author_ip="93.44.12.7"),
    }
    assert listed(alice, search=search) == [comments[expected].id]


def test_a_whole_address_is_looked_up_exactly_in_the_authors_email_and_ip(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    by_email = create_comment(site, status="pending", author_email="g.rossi@example.it")
    by_ip = create_comment(site, status="pending", author_ip="10.0.0.1")
    create_comment(site, status="pending", author_email="ag.rossi@example.it")
    create_comment(site, status="pending", author_ip="10.0.0.10")
    assert listed(alice, search="g.rossi@example.it") == [by_email.id]
    assert listed(alice, search="10.0.0.1") == [by_ip.id]
    assert len(listed(alice, search="10.0.0.")) == 2  # a partial address: a substring search


def test_text_search_takes_wildcards_literally(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    percent = create_comment(site, status="pending", body="sconto del 50% oggi")
    create_comment(site, status="pending", body="sconto del 50 euro oggi")
    assert listed(alice, search="50%") == [percent.id]
    assert listed(alice, search="_") == []


def test_filters_never_reach_another_moderators_sites(app: Flask) -> None:
    mine, theirs = create_site().site, create_site().site
    alice = moderator_ref(create_moderator(mine).moderator)
    create_comment(theirs, status="pending", body="ciclabile")
    assert listed(alice, search="ciclabile") == []
    assert count_by_status(alice, QueueFilter(search="ciclabile")).counts["pending"] == 0
    with pytest.raises(Forbidden):
        count_by_status(alice, QueueFilter(site=theirs.slug))


def test_counts_per_status_follow_the_filter_and_stop_at_the_cap(app: Flask) -> None:
    site_a, site_b = create_site().site, create_site().site
    bob = moderator_ref(create_moderator([site_a, site_b]).moderator)
    for site in (site_a, site_b):
        create_comment(site, status="pending", body="ciclabile")
        create_comment(site, status="approved", body="ciclabile")
    create_comment(site_a, status="rejected", body="altro")
    counts = count_by_status(bob, QueueFilter(search="ciclabile"))
    assert counts.counts == {"queued": 0, "pending": 2, "approved": 2, "rejected": 0}
    assert (counts.cap, count_by_status(bob, QueueFilter()).cap) == (1_000, 10_000)
    capped = count_by_status(bob, QueueFilter(status=None), cap=3)
    assert capped.counts["pending"] == 2
    assert capped.counts["approved"] == 2
    assert not capped.is_capped("approved")
    assert count_by_status(bob, QueueFilter(), cap=1).is_capped("pending")


def test_decided_statuses_are_counted_only_up_to_their_lower_cap(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counts, "DECIDED_COUNT_CAP", 2)
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    for status in ("pending", "approved", "approved", "rejected"):
        for _ in range(3 if status == "pending" else 1):
            create_comment(site, status=status)
    create_comment(site, status="approved")

    found = count_by_status(alice, QueueFilter(), cap=10)

    assert found.counts == {"queued": 0, "pending": 3, "approved": 2, "rejected": 1}
    assert found.is_capped("approved")  # three of them: "2+"
    assert not found.is_capped("pending")  # a status waiting for moderators: counted to 10
    assert not found.is_capped("rejected")


def test_search_counts_read_the_newest_comments_and_all_of_them_for_a_rare_term(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow_search_window(monkeypatch, 3)
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    create_comment(site, status="approved", body="ciclabile, la prima")  # older than the window
    for _ in range(3):
        create_comment(site, status="approved", body="altro")
    for body in ("ciclabile", "ciclabile", "altro", "ciclabile", "altro"):
        create_comment(site, status="pending", body=body)
    create_comment(site, status="rejected", body="ciclabile")

    found = count_by_status(alice, QueueFilter(search="ciclabile"), cap=10)

    assert found.counts["approved"] == 1  # none in the window: counted over all of them
    assert not found.is_capped("approved")
    assert found.counts["pending"] == 1  # one in the newest three: at least one
    assert found.is_capped("pending")
    assert (found.counts["rejected"], found.is_capped("rejected")) == (1, False)  # all seen
    assert count_by_status(alice, QueueFilter(search="ciclabile"), cap=1).counts["pending"] == 1


@pytest.mark.parametrize("parts", [100, 2], ids=["one statement", "chunks of two pairs"])
def test_a_rare_term_is_counted_over_every_site_in_one_query_per_chunk(
    app: Flask, monkeypatch: pytest.MonkeyPatch, parts: int
) -> None:
    narrow_search_window(monkeypatch, 1)
    monkeypatch.setattr(counts, "PARTS_PER_STATEMENT", parts)  # 3 rare pairs: 1 or 2 queries
    site_a, site_b = create_site().site, create_site().site
    bob = moderator_ref(create_moderator([site_a, site_b]).moderator)
    for site in (site_a, site_b):
        create_comment(site, status="approved", body="ciclabile")  # older than the window
        create_comment(site, status="approved", body="altro")
    create_comment(site_b, status="pending", body="ciclabile, anche qui")
    create_comment(site_b, status="pending", body="altro")

    found = count_by_status(bob, QueueFilter(search="ciclabile"), cap=10)

    assert found.counts == {"queued": 0, "pending": 1, "approved": 2, "rejected": 0}
    assert not any(found.is_capped(status) for status in found.counts)


def test_when_a_rare_terms_reading_runs_out_its_counts_are_lower_bounds(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow_search_window(monkeypatch, 1)
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    for _ in range(4):  # common, but only among the older comments
        create_comment(site, status="approved", body="ciclabile")
    create_comment(site, status="approved", body="altro")
    create_comment(site, status="rejected", body="ciclabile")
    create_comment(site, status="rejected", body="altro")

    # Two statuses to read over all their comments, at most 2 matches each: 4 in all, and
    # there are 5, so not every match was seen and no count is exact.
    found = count_by_status(alice, QueueFilter(search="ciclabile"), cap=2)

    assert found.counts["approved"] == 2
    assert found.is_capped("approved")
    assert found.is_capped("rejected")
    assert (found.counts["queued"], found.is_capped("queued")) == (0, False)


def test_the_search_window_is_shared_between_a_moderators_sites(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow_search_window(monkeypatch, 4)
    site_a, site_b = create_site().site, create_site().site
    bob = moderator_ref(create_moderator([site_a, site_b]).moderator)
    for body in ("ciclabile", "altro", "ciclabile", "altro", "ciclabile"):
        create_comment(site_a, status="pending", body=body)

    alone = count_by_status(bob, QueueFilter(search="ciclabile", site=site_a.slug), cap=10)
    both = count_by_status(bob, QueueFilter(search="ciclabile"), cap=10)

    assert alone.counts["pending"] == 2  # the newest 4 of one site
    assert both.counts["pending"] == 1  # the newest 2 of each of two sites
    assert alone.is_capped("pending")
    assert both.is_capped("pending")


def test_a_moderator_without_sites_counts_nothing(app: Flask) -> None:
    site = create_site().site
    dana = moderator_ref(create_moderator([]).moderator)
    create_comment(site, status="pending", body="ciclabile")
    for search in (None, "ciclabile", "93.44.12.7"):
        found = count_by_status(dana, QueueFilter(search=search))
        assert found.counts == dict.fromkeys(("queued", "pending", "approved", "rejected"), 0)


def test_counts_of_many_sites_take_several_statements(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counts, "PARTS_PER_STATEMENT", 3)  # 3 sites x 4 statuses: 4 of them
    sites = [create_site().site for _ in range(3)]
    carol = moderator_ref(create_moderator(sites).moderator)
    for number, site in enumerate(sites):
        for _ in range(number + 1):
            create_comment(site, status="pending", body="ciclabile")
        create_comment(site, status="rejected", body="altro")

    assert count_by_status(carol, QueueFilter()).counts == {
        "queued": 0, "pending": 6, "approved": 0, "rejected": 3,
    }  # fmt: skip
    assert count_by_status(carol, QueueFilter(search="ciclabile")).counts["pending"] == 6


def test_approving_an_approved_comment_is_a_recorded_confirmation(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    comment = create_comment(
        site, status=CommentStatus.APPROVED, decided_by="classifier", decided_by_kind="classifier"
    )
    confirmed = queue.approve_comment(comment.id, alice, note="fine", expected_version=1)
    assert (confirmed.status, confirmed.version, confirmed.decided_by_kind) == (
        "approved",
        2,
        "moderator",
    )
    [event] = queue.get_history(comment.id, alice)
    assert (event.from_status, event.to_status, event.actor_id, event.note) == (
        "approved",
        "approved",
        alice.id,
        "fine",
    )


def test_a_confirmed_comment_is_a_label_for_the_sites_classifier(app: Flask) -> None:
    from service.learning import corpus  # the worker's side: what retraining reads

    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    spam = create_comment(
        site, body="soldi facili", status=CommentStatus.REJECTED, decided_by_kind="classifier"
    )
    assert corpus.count_site_labels(site.id) == 0
    queue.reject_comment(spam.id, alice, reason="spam")
    labels = corpus.get_site_labels(site.id)
    assert (labels.texts, labels.labels) == (["soldi facili"], [1])


def test_the_search_expression_is_served_by_the_trigram_index(pg_app: Flask) -> None:
    site = create_site().site
    create_comment(site, body="Una pista ciclabile")
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    query = select(Comment.id).where(matches_text("ciclabile"))
    sql = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(text(f"EXPLAIN {sql}")).scalars()
    assert "ix_comments_search_trgm" in "\n".join(plan)
