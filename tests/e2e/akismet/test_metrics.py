"""Every Akismet call is counted by site, endpoint and what the client was told."""

from flask.testing import FlaskClient

from tests.e2e.akismet.conftest import KeyedSite
from tests.support.akismet import SPAM_TEXT, submit_form, wordpress_form
from tests.support.metrics import sample

CALLS = "moderato_akismet_calls_total"


def calls(site: str, endpoint: str, answer: str) -> float:
    return sample(CALLS, site=site, endpoint=endpoint, answer=answer)


def test_checks_and_reports_are_counted_with_their_answers(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    slug = keyed_site.site.slug
    before_ham = calls(slug, "comment-check", "false")
    before_spam = calls(slug, "comment-check", "true")
    before_thanks = calls(slug, "submit-spam", "thanks")

    assert akismet_client.post("/1.1/comment-check", data=wordpress_form(keyed_site.key)).text == (
        "false"
    )
    spam = wordpress_form(keyed_site.key, comment_content=SPAM_TEXT)
    assert akismet_client.post("/1.1/comment-check", data=spam).text == "true"
    akismet_client.post("/1.1/submit-spam", data=submit_form(keyed_site.key))

    assert calls(slug, "comment-check", "false") == before_ham + 1
    assert calls(slug, "comment-check", "true") == before_spam + 1
    assert calls(slug, "submit-spam", "thanks") == before_thanks + 1


def test_an_unknown_key_is_counted_without_a_site(akismet_client: FlaskClient) -> None:
    before = calls("", "comment-check", "invalid")

    answer = akismet_client.post("/1.1/comment-check", data=wordpress_form("0123456789ab"))

    assert answer.text == "invalid"
    assert calls("", "comment-check", "invalid") == before + 1


def test_verify_key_is_counted_against_the_key_it_checked(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    slug = keyed_site.site.slug
    before = calls(slug, "verify-key", "valid")

    form = {"key": keyed_site.key, "blog": "https://example.it"}
    assert akismet_client.post("/1.1/verify-key", data=form).text == "valid"

    assert calls(slug, "verify-key", "valid") == before + 1
