"""A site's labels are its moderators' decisions, whoever the moderators are called."""

from flask import Flask

from models import CommentStatus
from service.accounts.auth import moderator_ref
from service.learning.corpus import get_site_labels
from service.moderation.review import actions as queue
from tests.support.factories import create_comment, create_moderator, create_site


def test_a_moderator_called_rule_still_teaches_the_classifier(app: Flask) -> None:
    site = create_site().site
    rule = moderator_ref(create_moderator(site, name="rule").moderator)
    classifier = moderator_ref(create_moderator(site, name="classifier").moderator)
    first = create_comment(site, body="Spam spam", status=CommentStatus.PENDING)
    second = create_comment(site, body="Bel pezzo", status=CommentStatus.PENDING)
    queue.reject_comment(first.id, rule, reason="spam")
    queue.approve_comment(second.id, classifier)
    labels = get_site_labels(site.id)
    assert sorted(zip(labels.texts, labels.labels, strict=True)) == [
        ("Bel pezzo", 0),
        ("Spam spam", 1),
    ]


def test_machine_decisions_are_not_labels(app: Flask) -> None:
    site = create_site().site
    create_comment(
        site, status=CommentStatus.REJECTED, decided_by="classifier", decided_by_kind="classifier"
    )
    create_comment(site, status=CommentStatus.PENDING, decided_by="rule", decided_by_kind="rule")
    assert get_site_labels(site.id).labels == []
