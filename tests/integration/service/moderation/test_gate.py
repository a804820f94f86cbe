"""The gate: batched compare-and-set writes, one audit event each, after-commit work."""

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import ActorKind, Comment, CommentStatus, ModerationEvent
from service.extensions import db
from service.moderation import gate, publisher
from service.moderation.decide import Scored
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
            gate.Change(first.id, QUEUED, APPROVED, "not_spam", gate.CLASSIFIER,
                        scored=Scored(0.05, "v1", {"spam": [], "ham": []})),
            gate.Change(second.id, QUEUED, REJECTED, "spam", gate.CLASSIFIER,
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
            gate.Change(moved.id, QUEUED, APPROVED, "not_spam", gate.CLASSIFIER),
            gate.Change(still.id, QUEUED, APPROVED, "not_spam", gate.CLASSIFIER),
        ]
    )
    db.session.commit()
    assert [a.change.comment_id for a in applied] == [still.id]
    assert db.session.get(Comment, moved.id).status == PENDING
    assert count_events() == 1


def test_a_stale_expected_version_matches_nothing(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site, status=PENDING, version=3)
    alice = gate.Actor.moderator(7, "alice")
    stale = gate.Change(comment.id, PENDING, APPROVED, None, alice, expected_version=2)
    assert gate.transition([stale]) == []
    fresh = gate.Change(comment.id, PENDING, APPROVED, None, alice, expected_version=3)
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
    change = gate.Change(
        comment.id, PENDING, PENDING, gate.RESCORED, gate.CLASSIFIER,
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
    assert db.session.scalar(select(ModerationEvent.reason)) == gate.RESCORED


def test_after_commit_work_runs_only_once_the_transaction_commits(app: Flask) -> None:
    ran: list[str] = []
    gate.after_commit(lambda: ran.append("committed"))
    assert ran == []
    db.session.commit()
    assert ran == ["committed"]
    db.session.commit()
    assert ran == ["committed"]  # once


def test_after_commit_work_of_a_rolled_back_transaction_never_runs(app: Flask) -> None:
    ran: list[str] = []
    site = create_site().site
    create_comment(site)
    db.session.execute(select(Comment.id))  # open a transaction
    gate.after_commit(lambda: ran.append("rolled back"))
    db.session.rollback()
    db.session.commit()
    assert ran == []


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """What would be sent to the broker (the boundary), message by message."""
    messages: list[list[int]] = []
    monkeypatch.setattr(publisher, "enqueue_classification", messages.append)
    return messages


def new_comment(site_id: int) -> dict[str, Any]:
    """The fewest values a new comment needs."""
    return {"site_id": site_id, "article_id": "a", "author_name": "A", "body": "b"}


def test_admitting_a_comment_enqueues_it_only_after_the_commit(
    app: Flask, published: list[list[int]]
) -> None:
    site = create_site().site
    admitted = gate.admit(new_comment(site.id))
    assert published == []
    db.session.commit()
    assert published == [[admitted.id]]
    assert db.session.get(Comment, admitted.id).status == QUEUED


def test_admitting_a_comment_alone_commits_it_before_returning_and_then_enqueues_it(
    app: Flask, published: list[list[int]]
) -> None:
    site = create_site().site
    db.session.commit()
    admitted = gate.admit_alone(new_comment(site.id))
    assert published == [[admitted.id]]
    db.session.rollback()  # the caller's session had no part in it: nothing to undo
    with db.engine.connect() as other:  # another connection sees it: it is committed
        status = other.scalar(select(Comment.status).where(Comment.id == admitted.id))
    assert status == QUEUED


def test_a_comment_admitted_alone_stays_stored_when_publishing_fails(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_broker(comment_ids: list[int]) -> bool:
        raise RuntimeError("Acquire on closed pool")  # what kombu raised once, in tests

    monkeypatch.setattr(publisher, "enqueue_classification", broken_broker)
    site = create_site().site
    db.session.commit()
    admitted = gate.admit_alone(new_comment(site.id))
    assert db.session.get(Comment, admitted.id).status == QUEUED  # for the sweep to send
    assert "After-commit work failed" in caplog.text


def test_batches_of_every_size_leave_the_compiled_statement_cache_as_it_was(app: Flask) -> None:
    # Each batch size is a statement of its own; caching them grew a worker by 125 MB and more.
    site = create_site().site
    scored = Scored(0.5, "v1", None)
    warm = create_comment(site)
    gate.transition(
        [gate.Change(warm.id, QUEUED, PENDING, "uncertain", gate.CLASSIFIER, scored=scored)]
    )
    cache = db.engine._compiled_cache  # SQLAlchemy's per-engine LRU of compiled statements
    before = len(cache)
    for size in range(2, 7):
        comments = [create_comment(site) for _ in range(size)]
        gate.transition(
            [
                gate.Change(c.id, QUEUED, PENDING, "uncertain", gate.CLASSIFIER,
                            scored=Scored(n / 10, "v1", None))
                for n, c in enumerate(comments)
            ]
        )  # fmt: skip
    assert len(cache) == before
