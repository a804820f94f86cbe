"""Synchronous checks and their labels, through the gate, on both databases."""

import threading
import uuid

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from classifier import KeywordClassifier
from models import (
    ActorKind,
    AkismetCheck,
    Article,
    Comment,
    CommentStatus,
    ModerationEvent,
    ModerationMode,
)
from service.accounts.auth import AkismetSite
from service.extensions import db
from service.learning.classifiers import StaticClassifiers
from service.moderation.intake import akismet_checks as checks
from service.moderation.intake import articles
from service.moderation.intake.akismet_checks import CheckedComment
from service.moderation.policy import Decision
from tests.support.factories import create_site

CLASSIFIERS = StaticClassifiers(KeywordClassifier())


def akismet_site(**options: object) -> AkismetSite:
    site = create_site(**options).site
    return AkismetSite(site.id, site.slug, site.auto_reject_above, site.auto_approve_below,
                       site.moderation_mode, site.akismet_discard)  # fmt: skip


def comment(body: str = "Bell'articolo", author: str = "Giulia") -> CheckedComment:
    return CheckedComment({"article_id": "https://x.example/a/", "author_name": author,
                           "body": body, "language": "it_IT"})  # fmt: skip


def test_a_checked_comment_is_stored_as_admit_then_transition_would_leave_it(app: Flask) -> None:
    site = akismet_site()
    result = checks.check_comment(site, comment("casino bitcoin crypto viagra"), CLASSIFIERS)

    stored = db.session.scalars(select(Comment)).one()
    assert (result.status, result.verdict) == (CommentStatus.REJECTED, "spam")
    assert (stored.status, stored.version, stored.decision_reason) == ("rejected", 2, "spam")
    assert (stored.decided_by_kind, stored.decided_by) == (ActorKind.CLASSIFIER, "classifier")
    assert stored.decided_at is not None
    assert stored.spam_score == 0.9375
    assert stored.classifier_version == "keyword"
    assert stored.explanation["spam"]
    event = db.session.scalars(select(ModerationEvent)).one()
    assert (event.from_status, event.to_status, event.score) == ("queued", "rejected", 0.9375)
    assert event.explanation == stored.explanation
    check = db.session.get(AkismetCheck, stored.id)
    assert (check.guid, check.verdict, check.site_id) == (result.guid, "spam", site.id)


def test_a_rule_decides_but_the_comment_is_scored_all_the_same(app: Flask) -> None:
    rule = Decision(CommentStatus.APPROVED, "akismet_test_ham")
    result = checks.check_comment(
        akismet_site(), comment("casino bitcoin crypto viagra"), CLASSIFIERS, rule=rule
    )
    stored = db.session.scalars(select(Comment)).one()
    assert result.status == stored.status == CommentStatus.APPROVED
    assert (stored.decided_by_kind, stored.decision_reason) == (ActorKind.RULE, "akismet_test_ham")
    assert stored.spam_score == 0.9375


def test_a_test_check_is_decided_and_stores_nothing(app: Flask) -> None:
    result = checks.check_comment(akismet_site(), comment("casino"), CLASSIFIERS, is_test=True)
    assert (result.status, result.guid) == (CommentStatus.PENDING, None)
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_recheck_finds_the_latest_matching_comment_of_its_own_site(app: Flask) -> None:
    site, other = akismet_site(), akismet_site()
    checks.check_comment(other, comment("casino"), CLASSIFIERS)
    assert checks.recheck_comment(site, comment("casino")) is None
    checks.check_comment(site, comment("casino"), CLASSIFIERS)
    assert checks.recheck_comment(site, comment("casino")).status == CommentStatus.PENDING
    assert checks.recheck_comment(site, comment("casino", author="Altro")) is None


def test_labels_of_one_comment_sent_at_once_are_all_recorded(pg_app: Flask) -> None:
    # Eight reports of the same comment at the same time (PostgreSQL: the row lock serialises
    # them): eight moderator decisions, none lost to a compare-and-set that missed.
    site = akismet_site()
    checks.check_comment(site, comment(), CLASSIFIERS)
    errors: list[BaseException] = []

    def report(number: int) -> None:
        with pg_app.app_context():
            try:
                checks.label_comment(site, comment(), spam=number % 2 == 0, reporter=f"m{number}")
            except BaseException as error:  # any failure is reported to the main thread
                errors.append(error)

    threads = [threading.Thread(target=report, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    by_people = select(func.count(ModerationEvent.id)).where(
        ModerationEvent.actor_kind == ActorKind.MODERATOR
    )
    assert db.session.scalar(by_people) == 8
    assert db.session.scalar(select(func.count(Comment.id))) == 1


def stored_counts() -> tuple[int | None, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Comment, ModerationEvent, AkismetCheck)
    )


def test_a_check_answered_from_the_caches_stores_its_three_rows(app: Flask) -> None:
    # No transaction open when the check starts (key, site and classifier all cached): on
    # PostgreSQL the three rows are one statement of their own, on SQLite one transaction.
    site = akismet_site()
    db.session.commit()
    result = checks.check_comment(site, comment("casino bitcoin crypto viagra"), CLASSIFIERS)

    stored = db.session.scalars(select(Comment)).one()
    assert (stored.status, stored.decided_by_kind, stored.spam_score) == (
        "rejected",
        "classifier",
        0.9375,
    )
    event = db.session.scalars(select(ModerationEvent)).one()
    assert (event.comment_id, event.to_status, event.explanation) == (
        stored.id,
        "rejected",
        stored.explanation,
    )
    check = db.session.get(AkismetCheck, stored.id)
    assert (check.guid, check.verdict, check.site_id) == (result.guid, "spam", site.id)


def test_a_check_whose_row_cannot_be_stored_stores_nothing(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = akismet_site()
    guid = uuid.UUID("0b7f61f4-6c3e-4e0e-9a39-1f0d4d0d2f55")
    monkeypatch.setattr(checks.uuid, "uuid4", lambda: guid)
    checks.check_comment(site, comment("casino"), CLASSIFIERS)
    db.session.commit()

    with pytest.raises(IntegrityError):  # the same guid twice: the check row is refused
        checks.check_comment(site, comment("bitcoin"), CLASSIFIERS)
    db.session.rollback()

    assert stored_counts() == (1, 1, 1)


def test_an_articles_mode_is_read_once_per_key_cache_period_and_forgotten_on_a_change(
    app: Flask,
) -> None:
    # Another process's change (a row written behind this process's back) shows once the
    # copy is forgotten (KEY_CACHE_SECONDS, or a change made in this process).
    site = akismet_site()
    checked = comment("Grazie per l'articolo", author="Anna")
    assert checks.check_comment(site, checked, CLASSIFIERS).status == CommentStatus.APPROVED
    db.session.add(Article(site_id=site.id, article_id=checked.values["article_id"],
                           moderation_mode=ModerationMode.PRE))  # fmt: skip
    db.session.commit()
    assert checks.check_comment(site, checked, CLASSIFIERS).status == CommentStatus.APPROVED
    articles.forget_gates()
    assert checks.check_comment(site, checked, CLASSIFIERS).status == CommentStatus.PENDING
