"""submit-spam and submit-ham: a person's verdict, recorded as a moderator label on the
matching comment (by guid, else by article, author and text), audited, and never lost."""

from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import ActorKind, Comment, CommentStatus, ModerationEvent
from service.extensions import db
from service.learning.corpus import count_site_labels
from tests.e2e.akismet.conftest import KeyedSite
from tests.support.akismet import SPAM_TEXT, UNCERTAIN_TEXT, submit_form, wordpress_form

THANKS = "Thanks for making the web a better place."


def checked(client: FlaskClient, key: str, **fields: str) -> Comment:
    response = client.post("/1.1/comment-check", data=wordpress_form(key, **fields))
    assert response.status_code == 200
    return db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()


def submit(client: FlaskClient, kind: str, key: str, **fields: str) -> None:
    response = client.post(f"/1.1/submit-{kind}", data=submit_form(key, **fields))
    assert response.status_code == 200
    assert response.text == THANKS


def history(comment_id: int) -> list[tuple[str, str, str, str | None]]:
    events = db.session.scalars(
        select(ModerationEvent).where(ModerationEvent.comment_id == comment_id)
        .order_by(ModerationEvent.id)
    )  # fmt: skip
    return [(e.actor_kind, e.actor, e.to_status, e.reason) for e in events]


def test_missed_spam_reported_by_a_wordpress_moderator_becomes_a_label(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    comment = checked(akismet_client, keyed_site.key)
    assert comment.status == CommentStatus.APPROVED
    submit(akismet_client, "spam", keyed_site.key, reporter="redazione")

    db.session.expire_all()
    assert comment.status == CommentStatus.REJECTED
    assert (comment.decided_by_kind, comment.decided_by) == (ActorKind.MODERATOR, "redazione")
    assert history(comment.id)[-1] == ("moderator", "redazione", "rejected", "reported_spam")
    assert count_site_labels(keyed_site.site.id) == 1


def test_a_false_positive_reported_as_ham_is_approved(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    comment = checked(akismet_client, keyed_site.key, comment_content=SPAM_TEXT)
    assert comment.status == CommentStatus.REJECTED
    submit(akismet_client, "ham", keyed_site.key, comment_content=SPAM_TEXT)
    db.session.expire_all()
    assert comment.status == CommentStatus.APPROVED
    assert history(comment.id)[-1][2:] == ("approved", "reported_ham")


def test_a_label_finds_its_comment_by_the_guid_it_quotes(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    response = akismet_client.post("/1.1/comment-check", data=wordpress_form(keyed_site.key))
    guid = response.headers["X-akismet-guid"]
    # Edited text, but the guid names the comment.
    submit(akismet_client, "spam", keyed_site.key, guid=guid, comment_content="modificato")
    assert db.session.scalars(select(Comment.status)).all() == [CommentStatus.REJECTED]


def test_a_label_confirming_the_classifier_is_recorded_too(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    comment = checked(akismet_client, keyed_site.key, comment_content=SPAM_TEXT)
    submit(akismet_client, "spam", keyed_site.key, comment_content=SPAM_TEXT)
    assert history(comment.id)[-1] == ("moderator", "redazione", "rejected", "reported_spam")
    assert count_site_labels(keyed_site.site.id) == 1


def test_a_label_for_a_comment_moderato_never_saw_is_stored_with_it(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    submit(akismet_client, "spam", keyed_site.key, comment_content="Mai visto prima")
    comment = db.session.scalars(select(Comment)).one()
    assert (comment.body, comment.status) == ("Mai visto prima", CommentStatus.REJECTED)
    assert count_site_labels(keyed_site.site.id) == 1
    # ...and it is not counted as a check.
    usage = akismet_client.get("/1.2/usage-limit", query_string={"api_key": keyed_site.key})
    assert usage.json["usage"] == 0


def test_a_test_submission_is_thanked_and_dropped(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    submit(akismet_client, "spam", keyed_site.key, is_test="1")
    assert db.session.scalars(select(Comment)).all() == []


def test_no_report_is_lost(akismet_client: FlaskClient, keyed_site: KeyedSite) -> None:
    # Every report, matched or not, repeated or contradicting the last, leaves exactly one
    # audited moderator decision, and the comment ends as the last report said.
    texts = [f"Commento numero {number} sulla ciclabile." for number in range(12)]
    for text in texts[:8]:
        checked(akismet_client, keyed_site.key, comment_content=text)
    checked(akismet_client, keyed_site.key, comment_content=UNCERTAIN_TEXT)
    reports = [("spam", text) for text in texts] + [("ham", text) for text in texts[::3]]
    reports += [("spam", UNCERTAIN_TEXT), ("spam", UNCERTAIN_TEXT), ("ham", UNCERTAIN_TEXT)]
    for kind, text in reports:
        submit(akismet_client, kind, keyed_site.key, comment_content=text)

    by_moderator = select(func.count(ModerationEvent.id)).where(
        ModerationEvent.actor_kind == ActorKind.MODERATOR
    )
    assert db.session.scalar(by_moderator) == len(reports)
    final = {text: kind for kind, text in reports}
    statuses = dict(db.session.execute(select(Comment.body, Comment.status)).all())
    assert statuses == {
        text: CommentStatus.REJECTED if kind == "spam" else CommentStatus.APPROVED
        for text, kind in final.items()
    }
    assert count_site_labels(keyed_site.site.id) == len(final)
