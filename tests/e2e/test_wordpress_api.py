"""POST /api/v1/wordpress/decisions: a status change made in WordPress's wp-admin, reported by
Moderato's plugin with the site's key, recorded as a decision by a `wordpress` actor."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import AkismetCheck, AkismetVerdict, Comment, CommentStatus, ModerationEvent, Site
from service.extensions import db
from service.learning.corpus import get_site_labels
from tests.support.factories import bearer, create_comment, create_moderator, create_site

PATH = "/api/v1/wordpress/decisions"


def checked_comment(site: Site, guid: str, **fields: object) -> Comment:
    """A comment as the Akismet API stored it, under `guid`."""
    comment = create_comment(site, **fields)  # type: ignore[arg-type]
    db.session.add(
        AkismetCheck(comment_id=comment.id, site_id=site.id, guid=guid, verdict=AkismetVerdict.HELD)
    )
    db.session.commit()
    return comment


@pytest.mark.parametrize(
    ("wordpress_status", "status", "reason"),
    [
        ("approved", CommentStatus.APPROVED, None),
        ("unapproved", CommentStatus.PENDING, None),
        ("spam", CommentStatus.REJECTED, "spam"),
        ("trash", CommentStatus.REJECTED, "other"),
    ],
)
def test_a_wordpress_status_is_recorded_as_the_wordpress_user_s_decision(
    app: Flask, client: FlaskClient, wordpress_status: str, status: str, reason: str | None
) -> None:
    new = create_site()
    comment = checked_comment(new.site, "guid-1", status=CommentStatus.PENDING, version=3)
    if wordpress_status == "unapproved":
        db.session.get(Comment, comment.id).status = CommentStatus.APPROVED  # type: ignore[union-attr]
        db.session.commit()

    body = {"guid": "guid-1", "status": wordpress_status, "user": "caporedattore", "version": 3}
    answer = client.post(PATH, json=body, headers=bearer(new.api_key))

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {
        "comment_id": comment.id, "status": status, "reason": reason, "version": 4,
    }  # fmt: skip
    stored = db.session.get(Comment, comment.id)
    assert stored is not None
    assert (stored.status, stored.decided_by_kind, stored.decided_by) == (
        status, "wordpress", "caporedattore",
    )  # fmt: skip
    event = db.session.scalars(
        select(ModerationEvent).where(ModerationEvent.comment_id == comment.id)
    ).one()
    assert (event.actor_kind, event.actor) == ("wordpress", "caporedattore")
    assert event.to_status == status


def test_a_wordpress_decision_is_a_training_label(app: Flask, client: FlaskClient) -> None:
    new = create_site()
    checked_comment(new.site, "guid-ham", body="Ottimo articolo", status=CommentStatus.PENDING)
    checked_comment(new.site, "guid-spam", body="Compra ora", status=CommentStatus.APPROVED)
    for guid, status in (("guid-ham", "approved"), ("guid-spam", "spam")):
        body = {"guid": guid, "status": status, "user": "admin"}
        assert client.post(PATH, json=body, headers=bearer(new.api_key)).status_code == 200

    labels = get_site_labels(new.site.id)

    assert sorted(zip(labels.texts, labels.labels, strict=True)) == [
        ("Compra ora", 1), ("Ottimo articolo", 0),
    ]  # fmt: skip


def test_another_site_s_guid_is_not_found(app: Flask, client: FlaskClient) -> None:
    owner, other = create_site(), create_site()
    comment = checked_comment(owner.site, "guid-owned", status=CommentStatus.PENDING)

    body = {"guid": "guid-owned", "status": "approved"}
    answer = client.post(PATH, json=body, headers=bearer(other.api_key))

    assert answer.status_code == 404
    stored = db.session.get(Comment, comment.id)
    assert stored is not None
    assert stored.status == CommentStatus.PENDING


@pytest.mark.parametrize(
    "body",
    [{"guid": "g", "status": "published"}, {"status": "approved"}, {"guid": "g", "status": "spam",
     "extra": 1}],
    ids=["unknown-status", "no-guid", "unknown-field"],
)  # fmt: skip
def test_a_malformed_report_is_a_422(app: Flask, client: FlaskClient, body: dict) -> None:
    new = create_site()
    assert client.post(PATH, json=body, headers=bearer(new.api_key)).status_code == 422


def test_a_moderator_token_is_refused(app: Flask, client: FlaskClient) -> None:
    new = create_site()
    token = create_moderator(new.site).token
    body = {"guid": "g", "status": "approved"}
    assert client.post(PATH, json=body, headers=bearer(token)).status_code == 403
