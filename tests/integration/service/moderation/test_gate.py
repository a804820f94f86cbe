"""The gate: batched compare-and-set writes, one audit event each, and its listeners."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import ActorKind, Comment, CommentStatus, ModerationEvent
from service.extensions import db
from service.moderation import gate, listeners
from service.moderation.assessment import Scored
from service.moderation.changes import CLASSIFIER, RESCORED, Actor, Change
from service.moderation.listeners import Notice, NoticeKind
from tests.support.factories import create_comment, create_site

QUEUED, PENDING, APPROVED, REJECTED = (
    CommentStatus.QUEUED,
    CommentStatus.PENDING,
    CommentStatus.APPROVED,
    CommentStatus.REJECTED,
)


def count_events() -> int:
    return db.session.scalar(select(func.count(ModerationEvent.id))) or 0


def test_a_batch_applies_each_comment_its_own_values_and_audits_each(app: Flask) -> None:
    site = create_site().site
    first, second = create_comment(site), create_comment(site)
    applied = gate.transition(
        [
            Change(first.id, QUEUED, APPROVED, "not_spam", CLASSIFIER,
                        scored=Scored(0.05, "v1", {"spam": [], "ham": []})),
            Change(second.id, QUEUED, REJECTED, "spam", CLASSIFIER,
                        scored=Scored(0.95, "v1", None)),
        ]
    )  # fmt: skip
    db.session.commit()
    assert sorted(a.version for a in applied) == [2, 2]
    rows = {c.id: c for c in db.session.scalars(select(Comment))}
    assert (rows[first.id].status, rows[first.id].spam_score) == (APPROVED, 0.05)
    assert (rows[second.id].status, rows[second.id].spam_score) == (REJECTED, 0.95)
    assert rows[first.id].decided_by_kind == ActorKind.CLASSIFIER
    events = db.session.scalars(select(ModerationEvent).order_by(ModerationEvent.comment_id))
    assert [(e.comment_id, e.to_status, e.reason, e.score) for e in events] == [
        (first.id, APPROVED, "not_spam", 0.05),
        (second.id, REJECTED, "spam", 0.95),
    ]


def test_a_change_whose_comment_has_moved_on_is_not_applied_nor_audited(app: Flask) -> None:
    site = create_site().site
    moved = create_comment(site, status=PENDING)
    still = create_comment(site)
    applied = gate.transition(
        [
            Change(moved.id, QUEUED, APPROVED, "not_spam", CLASSIFIER),
            Change(still.id, QUEUED, APPROVED, "not_spam", CLASSIFIER),
        ]
    )
    db.session.commit()
    assert [a.change.comment_id for a in applied] == [still.id]
    assert db.session.get(Comment, moved.id).status == PENDING
    assert count_events() == 1


def test_a_stale_expected_version_matches_nothing(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site, status=PENDING, version=3)
    alice = Actor.moderator(7, "alice")
    stale = Change(comment.id, PENDING, APPROVED, None, alice, expected_version=2)
    assert gate.transition([stale]) == []
    fresh = Change(comment.id, PENDING, APPROVED, None, alice, expected_version=3)
    [applied] = gate.transition([fresh])
    db.session.commit()
    assert applied.version == 4
    event = db.session.scalar(select(ModerationEvent))
    assert (event.actor_kind, event.actor_id, event.actor) == ("moderator", 7, "alice")


def test_a_rescore_keeps_the_status_and_who_decided(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(
        site, status=PENDING, decided_by="classifier", decided_by_kind="classifier",
        decision_reason="uncertain", spam_score=0.5,
    )  # fmt: skip
    change = Change(
        comment.id, PENDING, PENDING, RESCORED, CLASSIFIER,
        scored=Scored(0.6, "v2", None),
    )  # fmt: skip
    assert len(gate.rescore([change])) == 1
    db.session.commit()
    db.session.refresh(comment)
    assert (comment.status, comment.decision_reason, comment.spam_score) == (
        PENDING,
        "uncertain",
        0.6,
    )
    assert db.session.scalar(select(ModerationEvent.reason)) == RESCORED


def test_batches_of_every_size_leave_the_compiled_statement_cache_as_it_was(app: Flask) -> None:
    # Each batch size is a statement of its own; caching them grew a worker by 125 MB and more.
    site = create_site().site
    scored = Scored(0.5, "v1", None)
    warm = create_comment(site)
    gate.transition([Change(warm.id, QUEUED, PENDING, "uncertain", CLASSIFIER, scored=scored)])
    cache = db.engine._compiled_cache  # SQLAlchemy's per-engine LRU of compiled statements
    before = len(cache)
    for size in range(2, 7):
        comments = [create_comment(site) for _ in range(size)]
        gate.transition(
            [
                Change(c.id, QUEUED, PENDING, "uncertain", CLASSIFIER,
                            scored=Scored(n / 10, "v1", None))
                for n, c in enumerate(comments)
            ]
        )  # fmt: skip
    assert len(cache) == before


@contextmanager
def listening(app: Flask, listener: listeners.Listener) -> Iterator[None]:
    """`listener` registered for the block only: the suite shares one app per backend."""
    listeners.register(app, listener)
    try:
        yield
    finally:
        app.extensions[listeners.EXTENSION].remove(listener)


@pytest.fixture
def heard(app: Flask) -> Iterator[list[Notice]]:
    """What a listener registered on the app hears, notice by notice."""
    notices: list[Notice] = []
    with listening(app, notices.append):
        yield notices


def test_listeners_hear_each_batch_with_how_it_came_about(app: Flask, heard: list[Notice]) -> None:
    site = create_site().site
    comment = create_comment(site)
    scored = Scored(0.5, "v1", None)
    gate.transition([Change(comment.id, QUEUED, PENDING, "uncertain", CLASSIFIER, scored=scored)])
    gate.rescore([Change(comment.id, PENDING, PENDING, RESCORED, CLASSIFIER, scored=scored)])
    assert [notice.kind for notice in heard] == [NoticeKind.DECIDED, NoticeKind.RESCORED]
    assert [a.change.comment_id for a in heard[0].applied] == [comment.id]
    assert heard[0].applied[0].moved
    assert not heard[1].applied[0].moved


def test_listeners_hear_nothing_of_a_change_that_was_not_applied(
    app: Flask, heard: list[Notice]
) -> None:
    comment = create_comment(create_site().site)
    moderator = Actor(ActorKind.MODERATOR, "m", 1)
    assert gate.transition([Change(comment.id, PENDING, APPROVED, None, moderator)]) == []
    assert heard == []


def test_a_listener_that_fails_fails_the_change_with_it(app: Flask) -> None:
    def broken(notice: Notice) -> None:
        raise RuntimeError("outbox unavailable")

    site = create_site().site
    comment = create_comment(site)
    db.session.commit()
    with listening(app, broken), pytest.raises(RuntimeError):
        gate.transition([Change(comment.id, QUEUED, PENDING, "uncertain", CLASSIFIER)])
    db.session.rollback()
    assert db.session.get(Comment, comment.id).status == QUEUED
    assert count_events() == 0


def test_a_comment_stored_decided_is_audited_and_announced_with_its_site(
    app: Flask, heard: list[Notice]
) -> None:
    site = create_site().site
    values = {"site_id": site.id, "article_id": "a", "author_name": "A", "body": "b"}
    decision = Change(0, QUEUED, APPROVED, "ham", CLASSIFIER, scored=Scored(0.1, "v1", None))
    applied = gate.store_decided(values, decision, site_slug=site.slug)
    assert db.session.get(Comment, applied.change.comment_id).status == APPROVED
    assert count_events() == 1
    assert heard[0].kind == NoticeKind.DECIDED
    assert heard[0].site_slugs == {site.id: site.slug}
