"""Tasks called directly (no broker): thin wrappers with bounded retries."""

from flask import Flask

import service.learning.classifiers
from models import Comment, ModerationEvent
from service.extensions import db
from tests.support.factories import create_comment, create_site
from workers.tasks import MAX_RETRIES, classify_comments


def test_classify_comments_decides_by_id(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site, body="Casino bonus gratis, guadagna soldi subito!")
    classify_comments([comment.id])
    db.session.refresh(comment)
    assert comment.status == "rejected"
    assert comment.classifier_version == "keyword"


def test_classify_comments_decides_a_batch(app: Flask) -> None:
    site = create_site().site
    ids = [create_comment(site, body=f"Commento tranquillo numero {n}.").id for n in range(3)]
    classify_comments(ids)
    assert {db.session.get(Comment, cid).status for cid in ids} == {"approved"}


def test_a_missing_comment_is_ignored(app: Flask) -> None:
    classify_comments([987_654])  # deleted meanwhile: nothing to do, nothing raised


def test_when_retries_run_out_the_comment_is_held_for_a_human(app: Flask) -> None:
    app.config["CLASSIFIER_BACKEND"] = "tests.support.classifiers:always_fails"
    service.learning.classifiers._source = None
    try:
        site = create_site().site
        comment = create_comment(site)
        # apply() runs the task and its retries in this process, countdowns skipped.
        classify_comments.apply(args=[[comment.id]])
    finally:
        app.config["CLASSIFIER_BACKEND"] = "keyword"
        service.learning.classifiers._source = None
    db.session.refresh(comment)
    assert (comment.status, comment.decided_by, comment.decision_reason) == (
        "pending",
        "rule",
        "classification_failed",
    )
    [event] = db.session.scalars(db.select(ModerationEvent).filter_by(comment_id=comment.id))
    assert event.to_status == "pending"
    assert event.actor == "rule"
    assert classify_comments.max_retries == MAX_RETRIES
