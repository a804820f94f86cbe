"""Learning from moderators, on PostgreSQL: retraining, the promotion guard, thresholds."""

import pytest
from flask import Flask
from sqlalchemy import select

from models import TrainingRun
from service.cli import main
from service.extensions import db
from service.learning.corpus import get_site_labels
from service.learning.retraining import (
    promotion_verdict,
    retrain_site_classifier,
    sites_due_for_retraining,
)
from service.learning.training import ensure_default_classifier
from service.learning.versions import get_active_version
from tests.support.factories import create_decided_comments, create_site
from tests.support.labels import CAT_NAMES, CATS, SPAM, fill, interleave, news_comments
from workers import tasks


def test_a_site_whose_moderators_reject_a_topic_gets_a_promoted_classifier(pg_app: Flask) -> None:
    base_version = ensure_default_classifier()
    site = create_site("Cronaca Locale").site
    cats = [(text, 1) for text in fill(CATS, CAT_NAMES, 40)]
    news = [(text, 0) for text in news_comments(40)]
    create_decided_comments(site, interleave(cats, news))
    assert len(get_site_labels(site.id).labels) == 80
    assert sites_due_for_retraining() == [site]

    run = retrain_site_classifier(site)

    assert run.promoted, run.reason
    assert run.baseline_version == base_version
    assert (run.n_train_labels, run.n_holdout_labels) == (64, 16)
    assert run.candidate_metrics["mcc"] >= run.baseline_metrics["mcc"]
    assert get_active_version(site.id).id == run.candidate_version_id
    assert get_active_version(None).version == base_version  # other sites keep the base
    assert sites_due_for_retraining() == []  # nothing new since this run


def test_the_guard_keeps_the_current_version_when_the_candidate_is_worse(pg_app: Flask) -> None:
    base_version = ensure_default_classifier()
    site = create_site().site
    # Older decisions approve blatant spam (a careless moderator), the recent ones reject it:
    # a candidate trained on the older ones is worse on the recent ones than the base.
    spam = fill(SPAM, [str(n) for n in range(20)], 60)
    news = news_comments(60)
    older = interleave([(t, 0) for t in spam[:48]], [(t, 0) for t in news[:48]])
    recent = interleave([(t, 1) for t in spam[48:]], [(t, 0) for t in news[48:]])
    create_decided_comments(site, older + recent)

    run = retrain_site_classifier(site)

    assert not run.promoted
    assert "worse" in run.reason or "false positives" in run.reason
    assert run.candidate_metrics["mcc"] < run.baseline_metrics["mcc"]
    assert get_active_version(site.id).version == base_version
    stored = db.session.scalars(select(TrainingRun).where(TrainingRun.site_id == site.id)).all()
    assert len(stored) == 1  # the comparison is recorded either way
    assert stored[0].candidate_version_id is not None


def test_too_few_labels_are_recorded_without_training(pg_app: Flask) -> None:
    site = create_site().site
    create_decided_comments(site, [("ciao", 0), ("spam spam", 1)])
    run = retrain_site_classifier(site)
    assert not run.promoted
    assert run.candidate_version_id is None
    assert "not enough labels" in run.reason


def test_promotion_verdict_compares_mcc_then_false_positives() -> None:
    good = {"mcc": 0.9, "false_positive_rate_at_reject": 0.01}
    assert promotion_verdict(good, {})[0]
    assert promotion_verdict(good, {"mcc": 0.9, "false_positive_rate_at_reject": 0.01})[0]
    assert not promotion_verdict(good, {"mcc": 0.91, "false_positive_rate_at_reject": 0.05})[0]
    assert not promotion_verdict(good, {"mcc": 0.8, "false_positive_rate_at_reject": 0.0})[0]


def test_the_periodic_task_retrains_sites_with_new_labels(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_default_classifier()
    busy, quiet = create_site().site, create_site().site
    cats = [(text, 1) for text in fill(CATS, CAT_NAMES, 30)]
    news = [(text, 0) for text in news_comments(30)]
    create_decided_comments(busy, interleave(cats, news))
    create_decided_comments(quiet, [("ok", 0)])

    sent = []  # the broker is the boundary: record what would be published
    monkeypatch.setattr(tasks.retrain_site_classifier, "delay", sent.append)
    tasks.retrain_site_classifiers()  # what beat runs: one task per due site
    assert sent == [busy.id]

    for site_id in sent:
        tasks.retrain_site_classifier(site_id)
    runs = db.session.scalars(select(TrainingRun)).all()
    assert [run.site_id for run in runs] == [busy.id]


def test_train_site_from_the_command_line(pg_app: Flask) -> None:
    ensure_default_classifier()
    site = create_site("Cronaca Locale").site
    cats = [(text, 1) for text in fill(CATS, CAT_NAMES, 30)]
    news = [(text, 0) for text in news_comments(30)]
    create_decided_comments(site, interleave(cats, news))
    result = pg_app.test_cli_runner().invoke(main, args=["train", "--site", "cronaca-locale"])
    assert result.exit_code == 0, result.output
    assert "promoted: True" in result.output
    assert get_active_version(site.id).version != get_active_version(None).version
