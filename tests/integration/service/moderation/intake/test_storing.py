"""Storing a new comment as `queued` (service/moderation/intake/storing.py)."""

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from models import Comment, CommentStatus
from service.extensions import db
from service.moderation.intake import publisher, storing
from tests.support.factories import create_site

QUEUED = CommentStatus.QUEUED


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
    admitted = storing.admit(new_comment(site.id))
    assert published == []
    db.session.commit()
    assert published == [[admitted.id]]
    assert db.session.get(Comment, admitted.id).status == QUEUED


def test_admitting_a_comment_alone_commits_it_before_returning_and_then_enqueues_it(
    app: Flask, published: list[list[int]]
) -> None:
    site = create_site().site
    db.session.commit()
    admitted = storing.admit_alone(new_comment(site.id))
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
    admitted = storing.admit_alone(new_comment(site.id))
    assert db.session.get(Comment, admitted.id).status == QUEUED  # for the sweep to send
    assert "After-commit work failed" in caplog.text
