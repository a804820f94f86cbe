"""Decisions are counted once their transaction commits, by site, actor kind and outcome."""

from datetime import timedelta

from flask import Flask

from models import CommentStatus, utcnow
from service.extensions import db
from service.moderation import gate
from service.moderation.assessment import Scored
from service.moderation.changes import CLASSIFIER, Actor, Change
from tests.support.factories import create_comment, create_site
from tests.support.metrics import sample

QUEUED, PENDING, APPROVED, REJECTED = (
    CommentStatus.QUEUED, CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.REJECTED,
)  # fmt: skip
DECISIONS = "moderato_decisions_total"
LATENCY_COUNT = "moderato_classification_latency_seconds_count"


def by_classifier(comment_id: int, to_status: str) -> Change:
    return Change(comment_id, QUEUED, to_status, "r", CLASSIFIER,
                       scored=Scored(0.5, "v1", None))  # fmt: skip


def test_a_committed_batch_counts_each_site_actor_and_outcome(app: Flask) -> None:
    site = create_site().site
    comments = [create_comment(site) for _ in range(3)]
    labels = {"site": site.slug, "actor_kind": "classifier"}
    approved, rejected = (
        sample(DECISIONS, **labels, outcome=APPROVED),
        sample(DECISIONS, **labels, outcome=REJECTED),
    )
    gate.transition([by_classifier(comments[0].id, APPROVED), by_classifier(comments[1].id,
                     APPROVED), by_classifier(comments[2].id, REJECTED)])  # fmt: skip
    assert sample(DECISIONS, **labels, outcome=APPROVED) == approved  # not before the commit
    db.session.commit()
    assert sample(DECISIONS, **labels, outcome=APPROVED) == approved + 2
    assert sample(DECISIONS, **labels, outcome=REJECTED) == rejected + 1


def test_a_rolled_back_decision_is_never_counted(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site)
    labels = {"site": site.slug, "actor_kind": "classifier", "outcome": APPROVED}
    before = sample(DECISIONS, **labels)
    gate.transition([by_classifier(comment.id, APPROVED)])
    db.session.rollback()
    db.session.commit()
    assert sample(DECISIONS, **labels) == before


def test_a_change_that_lost_its_race_is_not_counted(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site, status=APPROVED)
    labels = {"site": site.slug, "actor_kind": "classifier", "outcome": REJECTED}
    before = sample(DECISIONS, **labels)
    gate.transition([by_classifier(comment.id, REJECTED)])  # it is no longer queued
    db.session.commit()
    assert sample(DECISIONS, **labels) == before


def test_the_classifier_latency_runs_from_submission_to_decision(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site, created_at=utcnow() - timedelta(seconds=40))
    before = sample(LATENCY_COUNT, site=site.slug)
    under_30 = sample("moderato_classification_latency_seconds_bucket", site=site.slug, le="30.0")
    under_60 = sample("moderato_classification_latency_seconds_bucket", site=site.slug, le="60.0")
    gate.transition([by_classifier(comment.id, PENDING)])
    db.session.commit()
    assert sample(LATENCY_COUNT, site=site.slug) == before + 1
    assert sample("moderato_classification_latency_seconds_bucket", site=site.slug,
                  le="30.0") == under_30  # fmt: skip
    assert sample("moderato_classification_latency_seconds_bucket", site=site.slug,
                  le="60.0") == under_60 + 1  # fmt: skip


def test_a_moderator_decision_counts_as_one_without_a_latency(app: Flask) -> None:
    site = create_site().site
    comment = create_comment(site, status=PENDING)
    labels = {"site": site.slug, "actor_kind": "moderator", "outcome": APPROVED}
    before, latencies = sample(DECISIONS, **labels), sample(LATENCY_COUNT, site=site.slug)
    change = Change(comment.id, PENDING, APPROVED, None, Actor.moderator(1, "alice"))
    gate.transition([change])
    db.session.commit()
    assert sample(DECISIONS, **labels) == before + 1
    assert sample(LATENCY_COUNT, site=site.slug) == latencies
