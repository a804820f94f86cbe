"""The gate storing a new decided comment with a row that refers to it (a synchronous check's
row): all three rows or none, on both databases; on PostgreSQL, one statement committed on its
own unless a listener writes beside it."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import pytest
from flask import Flask
from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError

from models import AkismetCheck, Comment, ModerationEvent, WebhookDelivery, utcnow
from service.database import after_commit, autocommit_engine
from service.extensions import db
from service.moderation import gate, listeners, new_comments
from service.moderation.assessment import Scored
from service.moderation.changes import CLASSIFIER, Change
from service.moderation.listeners import Notice
from tests.support.factories import create_endpoint, create_site

CHECKS = cast(Table, AkismetCheck.__table__)
SCORED = Scored(0.95, "v1", {"spam": ["casino"]})


def comment_values(site_id: int) -> dict[str, Any]:
    return {"site_id": site_id, "article_id": "https://x.example/a/", "author_name": "Giulia",
            "body": "casino bitcoin", "language": "it_IT"}  # fmt: skip


def rejected() -> Change:
    return Change(0, "queued", "rejected", "spam", CLASSIFIER, scored=SCORED)


def check_row(site_id: int, guid: str | None = None) -> new_comments.DependentRow:
    return new_comments.DependentRow(CHECKS, {"site_id": site_id, "guid": guid or str(uuid.uuid4()),
                                      "verdict": "spam", "created_at": utcnow()})  # fmt: skip


def counts() -> tuple[int, int, int]:
    """Comments, audit events and check rows, as another connection sees them (committed)."""
    with autocommit_engine(db.engine).connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.scalar(select(func.count()).select_from(model))
            for model in (Comment, ModerationEvent, AkismetCheck)
        )


@contextmanager
def listening(app: Flask, listener: listeners.Listener, **options: Any) -> Iterator[None]:
    """`listener` registered for the block only: the suite shares one app per backend."""
    listeners.register(app, listener, **options)
    try:
        yield
    finally:
        app.extensions[listeners.EXTENSION].remove(listener)
        app.extensions.get(listeners.WRITES_FOR, {}).pop(listener, None)


def test_the_comment_its_audit_event_and_its_row_are_stored_together(app: Flask) -> None:
    site = create_site().site
    site_id = site.id
    db.session.commit()  # no transaction open, as in a check answered from the caches
    check = check_row(site_id)

    applied = gate.store_decided_with(comment_values(site_id), rejected(), check, site_slug="s")
    db.session.commit()

    comment = db.session.get(Comment, applied.change.comment_id)
    assert (comment.status, comment.version, comment.decision_reason) == ("rejected", 2, "spam")
    assert (comment.spam_score, comment.classifier_version) == (0.95, "v1")
    assert comment.explanation == {"spam": ["casino"]}
    assert comment.created_at == comment.decided_at == comment.enqueued_at == applied.created_at
    event = db.session.scalars(select(ModerationEvent)).one()
    assert (event.comment_id, event.from_status, event.to_status) == (
        comment.id,
        "queued",
        "rejected",
    )
    assert (event.actor_kind, event.score, event.explanation) == (
        "classifier",
        0.95,
        {"spam": ["casino"]},
    )
    stored = db.session.get(AkismetCheck, comment.id)
    assert (stored.guid, stored.verdict, stored.site_id) == (check.values["guid"], "spam", site_id)
    assert (applied.version, applied.site_id, applied.article_id) == (
        2,
        site_id,
        comment.article_id,
    )


@pytest.mark.parametrize("open_transaction", [False, True])
def test_a_row_that_cannot_be_stored_stores_none_of_the_three(
    app: Flask, open_transaction: bool
) -> None:
    site_id = create_site().site.id
    db.session.commit()
    taken = check_row(site_id)
    gate.store_decided_with(comment_values(site_id), rejected(), taken)
    db.session.commit()
    if open_transaction:
        db.session.scalar(select(func.count(Comment.id)))

    with pytest.raises(IntegrityError):  # the same guid again: the check row is refused
        gate.store_decided_with(
            comment_values(site_id), rejected(), check_row(site_id, taken.values["guid"])
        )
    db.session.rollback()

    assert counts() == (1, 1, 1)


def test_on_postgresql_the_rows_are_committed_when_it_returns(pg_app: Flask) -> None:
    site_id = create_site().site.id
    db.session.commit()
    gate.store_decided_with(comment_values(site_id), rejected(), check_row(site_id))
    db.session.rollback()  # nothing of the caller's to undo: the statement was its own transaction
    assert counts() == (1, 1, 1)


def test_inside_an_open_transaction_the_rows_are_the_callers_to_commit(app: Flask) -> None:
    site_id = create_site().site.id
    db.session.commit()
    db.session.scalar(select(func.count(Comment.id)))  # the caller has read: a transaction is open
    gate.store_decided_with(comment_values(site_id), rejected(), check_row(site_id))
    assert db.session.scalar(select(func.count(AkismetCheck.comment_id))) == 1
    db.session.rollback()
    assert counts() == (0, 0, 0)


def test_listeners_hear_of_it_and_their_after_commit_work_runs(pg_app: Flask) -> None:
    site_id = create_site().site.id
    db.session.commit()
    heard: list[Notice] = []
    committed: list[int] = []

    def listener(notice: Notice) -> None:
        heard.append(notice)
        after_commit(lambda: committed.append(counts()[0]))

    with listening(pg_app, listener, writes_for=listeners.writes_nothing):
        applied = gate.store_decided_with(
            comment_values(site_id), rejected(), check_row(site_id), site_slug="s"
        )

    [notice] = heard
    assert notice.applied == [applied]
    assert notice.site_slugs == {site_id: "s"}
    assert committed == [1]  # ran before the call returned, with the comment committed


def test_a_listener_that_may_write_keeps_the_callers_transaction(pg_app: Flask) -> None:
    site_id = create_site().site.id
    db.session.commit()
    asked: list[int] = []

    def writes_for(site: int) -> bool:
        asked.append(site)
        return True

    with listening(pg_app, lambda notice: None, writes_for=writes_for):
        gate.store_decided_with(comment_values(site_id), rejected(), check_row(site_id))
    assert asked == [site_id]
    assert counts() == (0, 0, 0)  # not committed yet: in the session's transaction
    db.session.commit()
    assert counts() == (1, 1, 1)


def test_a_site_with_webhook_endpoints_gets_its_deliveries_in_the_same_transaction(
    pg_app: Flask,
) -> None:
    site = create_site().site
    site_id = site.id
    create_endpoint(site)
    db.session.commit()
    applied = gate.store_decided_with(comment_values(site_id), rejected(), check_row(site_id))
    assert counts() == (0, 0, 0)
    db.session.commit()
    assert counts() == (1, 1, 1)
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.comment_id == applied.change.comment_id
