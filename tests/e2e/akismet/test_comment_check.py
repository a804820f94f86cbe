"""POST /1.1/comment-check: the decision, the answer, what is stored."""

from urllib.parse import urlencode

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse as Response

from models import AkismetCheck, Comment, CommentStatus, ModerationEvent
from service.accounts.sites import update_site
from service.extensions import db
from tests.e2e.akismet.conftest import KeyedSite
from tests.support.akismet import (
    HAM_TEXT,
    PERMALINK,
    SPAM_TEXT,
    UNCERTAIN_TEXT,
    submit_form,
    wordpress_form,
)
from tests.support.factories import bearer, create_moderator


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


def check(client: FlaskClient, key: str, **fields: str) -> Response:
    response = client.post("/1.1/comment-check", data=wordpress_form(key, **fields))
    assert response.status_code == 200
    return response


def test_the_protocols_test_author_is_spam_whatever_the_classifier_says(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    response = check(akismet_client, keyed_site.key, comment_author="akismet-guaranteed-spam")
    assert response.text == "true"
    comment = db.session.scalars(select(Comment)).one()
    assert (comment.status, comment.decided_by_kind) == ("rejected", "rule")
    assert comment.spam_score is not None  # scored all the same


def test_an_administrator_is_ham_whatever_the_classifier_says(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    response = check(
        akismet_client, keyed_site.key, comment_content=SPAM_TEXT, user_role="administrator"
    )
    assert response.text == "false"
    assert db.session.scalars(select(Comment.status)).one() == CommentStatus.APPROVED


def test_a_test_call_is_scored_but_stored_nowhere(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    spam = check(akismet_client, keyed_site.key, comment_content=SPAM_TEXT, is_test="1")
    ham = check(akismet_client, keyed_site.key, is_test="true")
    assert (spam.text, ham.text) == ("true", "false")
    assert "X-akismet-guid" not in spam.headers
    assert db.session.scalars(select(Comment)).all() == []


def test_a_filled_honeypot_is_spam(akismet_client: FlaskClient, keyed_site: KeyedSite) -> None:
    filled = check(
        akismet_client, keyed_site.key, honeypot_field_name="hp_website", hp_website="x.example"
    )
    empty = check(akismet_client, keyed_site.key, honeypot_field_name="hp_website", hp_website="")
    assert (filled.text, empty.text) == ("true", "false")


def test_discard_is_sent_only_to_a_site_that_opted_in(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    assert (
        "X-akismet-pro-tip"
        not in check(akismet_client, keyed_site.key, comment_content=SPAM_TEXT).headers
    )
    update_site(keyed_site.site.slug, akismet_discard=True)
    spam = check(akismet_client, keyed_site.key, comment_content=SPAM_TEXT + " 2")
    ham = check(akismet_client, keyed_site.key)
    assert spam.headers["X-akismet-pro-tip"] == "discard"
    assert "X-akismet-pro-tip" not in ham.headers
    # Moderato keeps its copy of the discarded comment.
    assert db.session.scalar(select(func.count(Comment.id))) == 3


def test_a_pre_moderated_site_holds_even_clear_ham_for_a_human(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    update_site(keyed_site.site.slug, moderation_mode="pre")
    assert check(akismet_client, keyed_site.key).text == "held for review"


def test_unknown_fields_are_accepted_and_not_stored(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    marker = "secret-header-value-7f3a"
    response = check(
        akismet_client, keyed_site.key, HTTP_COOKIE_LIKE=marker, POST_extra=marker,
        user_ID=marker, comment_author_IP="10.9.8.7", unheard_of_field=marker,
    )  # fmt: skip
    assert response.text == "false"
    for table in (Comment, ModerationEvent, AkismetCheck):
        for row in db.session.scalars(select(table)):
            values = [str(getattr(row, column.key)) for column in table.__table__.columns]
            assert not any(marker in value or "10.9.8.7" in value for value in values), table


def test_a_missing_required_field_is_invalid_and_says_which(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    response = check(akismet_client, keyed_site.key, user_ip="")
    assert response.text == "invalid"
    assert response.headers["X-akismet-debug-help"] == "Missing required field: user_ip."
    assert db.session.scalars(select(Comment)).all() == []


def test_a_65525_byte_comment_sent_twice_is_taken_whole(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    # WordPress's largest comment, in accented letters: each byte is %XX when URL-encoded,
    # so the form (comment_content and POST_comment) is about 393 kB.
    longest = "è" * (65_525 // 2)
    form = wordpress_form(keyed_site.key, comment_content=longest)
    body = urlencode(form)
    assert len(body) > 390_000
    response = akismet_client.post(
        "/1.1/comment-check", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.text in {"true", "false", "held for review"}
    assert db.session.scalars(select(Comment.body)).one() == longest


def test_a_body_past_the_akismet_limit_is_refused_and_the_json_api_keeps_64_kib(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    too_big = urlencode(wordpress_form(keyed_site.key, comment_content="x" * 600_000))
    response = akismet_client.post(
        "/1.1/comment-check", data=too_big, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    json_api = akismet_client.post(
        "/api/v1/comments", data="x" * 70_000, content_type="application/json"
    )
    assert json_api.status_code == 413


def test_a_comment_arrives_at_the_review_queue(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    token = create_moderator(keyed_site.site).token
    check(akismet_client, keyed_site.key, comment_content=UNCERTAIN_TEXT)
    queue = akismet_client.get("/api/v1/moderation/queue", headers=bearer(token)).json
    assert [item["body"] for item in queue["items"]] == [UNCERTAIN_TEXT]


def test_a_recheck_answers_the_moderators_decision_once_made(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    token = create_moderator(keyed_site.site).token
    first = check(akismet_client, keyed_site.key, comment_content=UNCERTAIN_TEXT)
    assert first.text == "held for review"
    # WordPress's cron asks again about 20 minutes later, with the comment as it stored it.
    recheck = {"comment_content": UNCERTAIN_TEXT, "recheck_reason": "retry"}
    again = check(akismet_client, keyed_site.key, **recheck)
    assert again.text == "held for review"
    assert again.headers["X-akismet-guid"] == first.headers["X-akismet-guid"]
    comment_id = db.session.scalars(select(Comment.id)).one()
    approve = f"/api/v1/moderation/comments/{comment_id}/approve"
    assert akismet_client.post(approve, headers=bearer(token)).status_code == 200
    assert check(akismet_client, keyed_site.key, **recheck).text == "false"
    reject = f"/api/v1/moderation/comments/{comment_id}/reject"
    akismet_client.post(reject, headers=bearer(token), json={"reason": "spam"})
    assert check(akismet_client, keyed_site.key, **recheck).text == "true"
    assert db.session.scalar(select(func.count(Comment.id))) == 1  # rechecks store nothing


def test_a_recheck_of_a_comment_moderato_never_saw_checks_it(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    response = check(akismet_client, keyed_site.key, recheck_reason="recheck_queue")
    assert response.text == "false"
    assert db.session.scalar(select(func.count(Comment.id))) == 1


def test_a_recheck_finds_the_comment_as_wordpress_filtered_it(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    # WordPress's kses stores a link with rel="nofollow ugc" and a lone & as &amp;, and the
    # re-check sends the stored text.
    sent = 'Qualcuno ha un\'offerta? Vedi <a href="https://x.example/">qui</a> & poi rispondete'
    stored = (
        'Qualcuno ha un\'offerta? Vedi <a href="https://x.example/" rel="nofollow ugc">'
        "qui</a> &amp; poi  rispondete"
    )
    assert check(akismet_client, keyed_site.key, comment_content=sent).text == "held for review"
    recheck = check(akismet_client, keyed_site.key, comment_content=stored, recheck_reason="retry")
    assert recheck.text == "held for review"
    assert db.session.scalar(select(func.count(Comment.id))) == 1


def test_nul_characters_are_dropped_not_a_server_error(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    # PostgreSQL's text cannot hold NUL; a fuzzer or a broken client may send one anywhere.
    response = check(
        akismet_client, keyed_site.key, comment_content="Ciao\x00 a tutti",
        comment_author="Giu\x00lia", permalink="https://x.example/\x00a/", user_agent="UA\x00",
    )  # fmt: skip
    assert response.text == "false"
    stored = db.session.scalars(select(Comment)).one()
    assert (stored.body, stored.author_name) == ("Ciao a tutti", "Giulia")
    submit = submit_form(
        keyed_site.key, comment_content="Ciao\x00 a tutti", comment_author="Giu\x00lia",
        permalink="https://x.example/\x00a/",
    )  # fmt: skip
    assert akismet_client.post("/1.1/submit-spam", data=submit).status_code == 200
    assert db.session.scalars(select(Comment.status)).one() == CommentStatus.REJECTED


def test_a_comment_from_wordpress_s_form_is_stored_unslashed_and_found_again(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    # wp-comments-post.php hands Akismet the fields slashed (wordpress_form slashes them as
    # WordPress does); WordPress stores them unslashed and re-checks and reports them so.
    text = 'Qualcuno sa se l\'offerta vale anche per "studenti" \\ docenti?'
    first = check(akismet_client, keyed_site.key, comment_content=text,
                  comment_author="Anna D'Angelo")  # fmt: skip
    assert first.text == "held for review"
    stored = db.session.scalars(select(Comment)).one()
    assert (stored.body, stored.author_name) == (text, "Anna D'Angelo")
    recheck = check(akismet_client, keyed_site.key, comment_content=text,
                    comment_author="Anna D'Angelo", recheck_reason="retry")  # fmt: skip
    assert recheck.headers["X-akismet-guid"] == first.headers["X-akismet-guid"]
    report = submit_form(keyed_site.key, comment_content=text, comment_author="Anna D'Angelo")
    akismet_client.post("/1.1/submit-spam", data=report)
    assert db.session.scalars(select(Comment.status)).all() == [CommentStatus.REJECTED]
