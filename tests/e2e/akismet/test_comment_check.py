"""POST /1.1/comment-check: the decision, the answer, what is stored."""

from flask.testing import FlaskClient
from sqlalchemy import select

from models import AkismetCheck, Comment, CommentStatus, ModerationEvent
from service.extensions import db
from tests.e2e.akismet.conftest import KeyedSite
from tests.support.akismet import HAM_TEXT, PERMALINK, SPAM_TEXT, UNCERTAIN_TEXT, wordpress_form


def test_a_legitimate_comment_is_false_and_stored_approved(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    response = akismet_client.post("/1.1/comment-check", data=wordpress_form(keyed_site.key))

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.text == "false"
    comment = db.session.scalars(select(Comment)).one()
    assert comment.status == CommentStatus.APPROVED
    assert comment.body == HAM_TEXT
    assert comment.article_id == PERMALINK
    assert comment.author_name == "Giulia Rossi"
    assert comment.language == "it_IT"
    check = db.session.get(AkismetCheck, comment.id)
    assert check is not None
    assert response.headers["X-akismet-guid"] == check.guid


def test_spam_is_true_and_stored_rejected_with_its_audit_entry(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    form = wordpress_form(keyed_site.key, comment_content=SPAM_TEXT)
    response = akismet_client.post("/1.1/comment-check", data=form)

    assert response.text == "true"
    assert "X-akismet-pro-tip" not in response.headers  # the site did not opt in
    comment = db.session.scalars(select(Comment)).one()
    assert comment.status == CommentStatus.REJECTED
    event = db.session.scalars(select(ModerationEvent)).one()
    assert (event.actor, event.from_status, event.to_status) == ("classifier", "queued", "rejected")
    assert event.score is not None
    assert event.score >= 0.9


def test_an_uncertain_comment_is_held_for_a_human(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    form = wordpress_form(keyed_site.key, comment_content=UNCERTAIN_TEXT)
    response = akismet_client.post("/1.1/comment-check", data=form)

    assert response.text not in ("true", "false")
    assert response.headers["X-akismet-error"]
    assert db.session.scalars(select(Comment.status)).one() == CommentStatus.PENDING
