"""Suggesting a site's thresholds from its moderators' decisions, on PostgreSQL."""

from flask import Flask

from service.cli import main
from service.learning import thresholds
from service.learning.training import ensure_default_classifier
from tests.support.factories import create_decided_comments, create_site
from tests.support.labels import SPAM, fill, interleave, news_comments


def test_thresholds_are_suggested_from_the_sites_history(pg_app: Flask) -> None:
    ensure_default_classifier()
    site = create_site("Il Quotidiano").site
    spam = [(t, 1) for t in fill(SPAM, [str(n) for n in range(10)], 30)]
    news = [(t, 0) for t in news_comments(30)]
    create_decided_comments(site, interleave(spam, news))
    result = pg_app.test_cli_runner().invoke(
        main,
        args=["thresholds", "suggest", "--site", "il-quotidiano", "--max-false-positive", "0.01"],
    )
    assert result.exit_code == 0, result.output
    values = dict(line.split(": ", 1) for line in result.output.splitlines()[:2])
    reject, approve = float(values["auto_reject_above"]), float(values["auto_approve_below"])
    assert 0 <= approve < reject <= 1
    assert "of legitimate ones auto-rejected" in result.output


def test_applying_a_suggestion_is_a_policy_version_by_the_classifier(app: Flask) -> None:
    site = create_site().site
    suggestion = thresholds.ThresholdSuggestion(
        auto_reject_above=0.8, auto_approve_below=0.1, false_positive_rate=0.0,
        missed_spam_rate=0.0, automated_share=0.5, n_labels=40, version="v1",
    )  # fmt: skip
    saved = thresholds.apply_suggestion(site, suggestion)
    assert saved.created_by == "classifier"
    assert saved.diff == {
        "auto_approve_below": {"before": 0.2, "after": 0.1},
        "auto_reject_above": {"before": 0.9, "after": 0.8},
    }
    assert (site.auto_reject_above, site.auto_approve_below) == (0.8, 0.1)
