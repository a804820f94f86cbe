"""Comments unlike the classifier's training data are held for a human (`unfamiliar`), as a
site setting, on PostgreSQL and SQLite."""

import pytest
from flask import Flask

from classifier import SklearnClassifier, train_classifier
from models import Comment, CommentStatus
from service.accounts.sites import get_site, update_site
from service.cli import main
from service.errors import InvalidInput
from service.extensions import db
from service.learning.classifiers import StaticClassifiers
from service.moderation import classify as classification
from tests.support.factories import create_comment, create_site

SPAM = [
    "check out my channel and subscribe for free videos",
    "subscribe to my channel for free music every day",
    "visit my channel and win free money now",
    "click here to win free money on my channel",
    "free money now, check out my new channel",
    "win a free phone, visit my channel now",
]
HAM = [
    "I love this song, it brings back memories",
    "this song is my favourite, great voice",
    "great video, I love the music",
    "the music in this video is great",
    "my kids love this song every morning",
    "this is the best song of the year",
]
RUSSIAN = "Привет всем, отличная статья, спасибо"


@pytest.fixture(scope="module")
def english() -> StaticClassifiers:
    """A classifier that has seen English comments only."""
    classifier: SklearnClassifier = train_classifier(SPAM + HAM, [1] * 6 + [0] * 6)
    classifier.version = "english-1"
    return StaticClassifiers(classifier)


def decide(body: str, classifiers: StaticClassifiers, **site_options: float) -> Comment:
    """Store a comment on a new site with `site_options` and run the worker's classification
    on it; thresholds that decide every score, so that only familiarity can hold it."""
    site = create_site(auto_reject_above=0.5, auto_approve_below=0.5, **site_options).site
    comment = create_comment(site, body=body)
    classification.classify_comments([comment.id], classifiers)
    db.session.refresh(comment)
    return comment


def test_a_comment_in_a_language_the_classifier_never_saw_is_held_as_unfamiliar(
    app: Flask, english: StaticClassifiers
) -> None:
    held = decide(RUSSIAN, english)
    assert (held.status, held.decision_reason) == (CommentStatus.PENDING, "unfamiliar")
    assert held.decided_by == "classifier"
    assert held.spam_score is not None  # scored and explained all the same, for the moderator


def test_the_same_comment_is_decided_by_its_score_where_the_site_turns_the_hold_off(
    app: Flask, english: StaticClassifiers
) -> None:
    decided = decide(RUSSIAN, english, hold_unfamiliar_below=0.0)
    assert decided.status in (CommentStatus.APPROVED, CommentStatus.REJECTED)


def test_a_familiar_comment_is_decided_by_its_score(app: Flask, english: StaticClassifiers) -> None:
    decided = decide("I love this song, great music video", english)
    assert decided.status in (CommentStatus.APPROVED, CommentStatus.REJECTED)


def test_the_threshold_is_a_site_setting_with_a_safe_default(app: Flask) -> None:
    site = create_site().site
    assert site.hold_unfamiliar_below == 0.5
    assert update_site(site.slug, hold_unfamiliar_below=0.8).hold_unfamiliar_below == 0.8
    with pytest.raises(InvalidInput):
        update_site(site.slug, hold_unfamiliar_below=1.5)


def test_operators_set_the_threshold_from_the_command_line(app: Flask) -> None:
    site = create_site().site
    result = app.test_cli_runner().invoke(
        main, args=["sites", "update", site.slug, "--hold-unfamiliar-below", "0.3"]
    )
    assert result.exit_code == 0, result.output
    assert "unfamiliar<0.3" in result.output
    db.session.expire_all()
    assert get_site(site.slug).hold_unfamiliar_below == 0.3
