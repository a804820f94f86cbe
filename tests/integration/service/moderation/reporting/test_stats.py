"""The dashboard's figures, from the audit trail, per site and for all of a moderator's sites."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from models import Comment, CommentStatus, ModerationEvent, utcnow
from service.accounts.auth import moderator_ref
from service.errors import Forbidden
from service.extensions import db
from service.moderation import gate
from service.moderation.assessment import Scored
from service.moderation.changes import CLASSIFIER, RULE, Change
from service.moderation.reporting.stats import AccuracyDay, SourceDay, get_dashboard
from service.moderation.review import actions as queue
from service.moderation.review import undo
from tests.support.factories import create_comment, create_moderator, create_site


def classified(site, status: str, version: str = "v1", reason: str = "spam") -> Comment:  # type: ignore[no-untyped-def]
    comment = create_comment(site)
    scored = Scored(0.5, version, None)
    gate.transition(
        [Change(comment.id, CommentStatus.QUEUED, status, reason, CLASSIFIER, scored=scored)]
    )
    db.session.commit()
    return comment


def move_events(comment_id: int, days: int) -> None:
    events = db.session.scalars(
        select(ModerationEvent).where(ModerationEvent.comment_id == comment_id)
    )
    for event in events:
        event.created_at -= timedelta(days=days)
    db.session.commit()


def test_queue_size_and_the_oldest_pending_comment(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    old = utcnow() - timedelta(hours=5)
    create_comment(site, status="pending", created_at=old)
    create_comment(site, status="pending")
    create_comment(site, status="queued")
    create_comment(site, status="approved", created_at=old - timedelta(days=1))
    dashboard = get_dashboard(alice)
    assert (dashboard.queue_size, dashboard.queued) == (2, 1)
    assert dashboard.oldest_pending_at == old
    assert timedelta(hours=5) <= dashboard.oldest_pending_age < timedelta(hours=5, minutes=1)


def test_decisions_by_source_per_day_and_the_spam_rate(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    yesterday_spam = classified(site, "rejected")
    move_events(yesterday_spam.id, 1)
    classified(site, "approved", reason="not_spam")
    held = classified(site, "pending", reason="uncertain")
    queue.reject_comment(held.id, alice, reason="abuse")
    hold = create_comment(site)
    gate.transition([Change(hold.id, "queued", "pending", "classification_failed", RULE)])
    db.session.commit()

    dashboard = get_dashboard(alice, days=7)

    today = utcnow().date()
    assert dashboard.days[-1] == today
    assert len(dashboard.days) == 7
    assert dashboard.decisions == [
        SourceDay(today - timedelta(days=1), "classifier", rejected=1),
        SourceDay(today, "classifier", approved=1, held=1),
        SourceDay(today, "moderator", rejected=1),
        SourceDay(today, "rule", held=1),
    ]
    assert [(d.day, d.approved, d.rejected) for d in dashboard.spam] == [
        (today - timedelta(days=1), 0, 1),
        (today, 1, 1),
    ]
    assert dashboard.spam_rate == pytest.approx(2 / 3)


def test_missed_spam_false_positives_and_confirmations_per_day_and_version(app: Flask) -> None:
    site = create_site().site
    alice = moderator_ref(create_moderator(site).moderator)
    missed = classified(site, "approved", "v1", reason="not_spam")
    blocked = classified(site, "rejected", "v2")
    confirmed = classified(site, "rejected", "v2")
    undone = classified(site, "approved", "v1", reason="not_spam")
    held = classified(site, "pending", "v1", reason="uncertain")
    queue.reject_comment(missed.id, alice, reason="spam")
    queue.approve_comment(blocked.id, alice)
    queue.reject_comment(confirmed.id, alice, reason="spam")
    queue.reject_comment(undone.id, alice, reason="spam")
    undo.undo_decision(undone.id, alice)
    queue.approve_comment(held.id, alice)  # a held comment: no verdict on the classifier
    move_events(missed.id, 2)

    dashboard = get_dashboard(alice)

    today = utcnow().date()
    assert dashboard.accuracy == [
        AccuracyDay(today - timedelta(days=2), "v1", missed_spam=1),
        AccuracyDay(today, "v2", false_positives=1, confirmed=1),
    ]
    assert (dashboard.missed_spam, dashboard.false_positives) == (1, 1)


def test_one_site_or_all_the_moderators_sites_and_never_another(app: Flask) -> None:
    site_a, site_b, other = create_site().site, create_site().site, create_site().site
    bob = moderator_ref(create_moderator([site_a, site_b]).moderator)
    for site in (site_a, site_b, other):
        create_comment(site, status="pending")
    assert get_dashboard(bob).queue_size == 2
    assert get_dashboard(bob, site=site_a.slug).queue_size == 1
    with pytest.raises(Forbidden):
        get_dashboard(bob, site=other.slug)
