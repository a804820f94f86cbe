"""Tasks called directly (no worker): thin wrappers with bounded retries.

`moderation.classify_comments` is a batch task: it is called with the buffered requests
(one per message), each carrying a list of comment ids and, for a retry, its attempt number.
"""

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery_batches import SimpleRequest
from flask import Flask, current_app

import service.learning.classifiers
from models import Comment, ModerationEvent
from service.extensions import db
from service.names import Queues, TaskNames
from tests.support.backends import REDIS_API_DB, redis_url
from tests.support.classifiers import POISON, RECORD_ENV, recorded_calls
from tests.support.factories import create_comment, create_site
from tests.support.metrics import sample
from workers.tasks import classify_comments


def request_for(comment_ids: list[int], attempt: int = 0) -> SimpleRequest:
    """A request as the worker hands it to the batch task: the message's args and kwargs."""
    return SimpleRequest(
        id=f"request-{comment_ids}-{attempt}", name=TaskNames.CLASSIFY_COMMENTS,
        args=(comment_ids,), kwargs={"attempt": attempt} if attempt else {},
        delivery_info={}, hostname="test", ignore_result=True, reply_to=None,
        correlation_id=None, request_dict={},
    )  # fmt: skip


@pytest.fixture
def classifier_backend() -> Iterator[None]:
    """Restore the keyword classifier after a test that swaps it (use after the app)."""
    yield
    use_classifier(current_app, "keyword")


def use_classifier(app: Flask, backend: str) -> None:
    """Classify with `backend` from now on in this process."""
    app.config["CLASSIFIER_BACKEND"] = backend
    service.learning.classifiers._source = None


@pytest.fixture
def api_queue() -> Iterator[redis.Redis]:
    """The test API broker's Redis, its moderation queue emptied before and after."""
    client = redis.Redis.from_url(redis_url(REDIS_API_DB))
    client.delete(Queues.MODERATION)
    yield client
    client.delete(Queues.MODERATION)


def published(client: redis.Redis) -> list[tuple[list[int], dict, bool]]:
    """(comment ids, kwargs, has an ETA) of every classification message in the queue."""
    messages = []
    for raw in client.lrange(Queues.MODERATION, 0, -1):
        message = json.loads(raw)
        args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        assert message["headers"]["task"] == TaskNames.CLASSIFY_COMMENTS
        messages.append((args[0], kwargs, message["headers"]["eta"] is not None))
    return messages


def test_classify_comments_decides_by_id(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site, body="Casino bonus gratis, guadagna soldi subito!")
    classify_comments([request_for([comment.id])])
    db.session.refresh(comment)
    assert comment.status == "rejected"
    assert comment.classifier_version == "keyword"


def test_the_comments_of_every_request_are_decided_in_one_classifier_call(
    app: Flask, classifier_backend: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RECORD_ENV, str(tmp_path / "calls"))
    use_classifier(app, "tests.support.classifiers:recording")
    site = create_site().site
    ids = [create_comment(site, body=f"Commento tranquillo numero {n}.").id for n in range(4)]
    classify_comments([request_for(ids[:2]), request_for([ids[2]]), request_for([ids[3]])])
    assert {db.session.get(Comment, cid).status for cid in ids} == {"approved"}
    assert len(recorded_calls(tmp_path / "calls")) == 1


def test_a_missing_comment_is_ignored(app: Flask) -> None:
    classify_comments([request_for([987_654])])  # deleted meanwhile: nothing to do, nothing raised


def test_a_failed_batch_is_sent_again_request_by_request_with_a_back_off(
    pg_app: Flask, classifier_backend: None, api_queue: redis.Redis
) -> None:
    use_classifier(pg_app, "tests.support.classifiers:always_fails")
    site = create_site().site
    first, second = create_comment(site).id, create_comment(site).id
    retries = sample("moderato_task_retries_total", task=TaskNames.CLASSIFY_COMMENTS)
    classify_comments([request_for([first]), request_for([second], attempt=2)])
    assert sample("moderato_task_retries_total", task=TaskNames.CLASSIFY_COMMENTS) == retries + 2
    assert sorted(published(api_queue)) == [
        ([first], {"attempt": 1}, True),
        ([second], {"attempt": 3}, True),
    ]
    assert {db.session.get(Comment, cid).status for cid in (first, second)} == {"queued"}


def test_a_retried_request_is_decided_on_its_own_so_one_bad_comment_holds_back_no_other(
    pg_app: Flask,
    classifier_backend: None,
    api_queue: redis.Redis,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(RECORD_ENV, str(tmp_path / "calls"))
    use_classifier(pg_app, "tests.support.classifiers:recording_fails_on_poison")
    site = create_site().site
    good = create_comment(site, body="Commento tranquillo.").id
    bad = create_comment(site, body=f"{POISON} breaks the classifier").id
    classify_comments([request_for([good], attempt=1), request_for([bad], attempt=1)])
    assert db.session.get(Comment, good).status == "approved"
    assert db.session.get(Comment, bad).status == "queued"
    assert published(api_queue) == [([bad], {"attempt": 2}, True)]


def test_when_retries_run_out_the_comment_is_held_for_a_human(
    app: Flask, classifier_backend: None
) -> None:
    use_classifier(app, "tests.support.classifiers:always_fails")
    site = create_site().site
    comment = create_comment(site)
    failures = sample("moderato_task_failures_total", task=TaskNames.CLASSIFY_COMMENTS)
    classify_comments([request_for([comment.id], attempt=app.config["CLASSIFY_MAX_RETRIES"])])
    assert sample("moderato_task_failures_total", task=TaskNames.CLASSIFY_COMMENTS) == failures + 1
    labels = {"site": site.slug, "actor_kind": "rule", "outcome": "pending"}
    assert sample("moderato_decisions_total", **labels) == 1
    db.session.refresh(comment)
    assert (comment.status, comment.decided_by, comment.decision_reason) == (
        "pending",
        "rule",
        "classification_failed",
    )
    [event] = db.session.scalars(db.select(ModerationEvent).filter_by(comment_id=comment.id))
    assert event.to_status == "pending"
    assert event.actor == "rule"
