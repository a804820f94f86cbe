"""An unchanged WordPress (Debian's package, with its bundled Akismet 5.0.2) moderated by a
running Moderato: the key on Akismet's settings page, comments posted to wp-comments-post.php,
and the admin's Spam / Not Spam actions, end to end through our must-use plugin."""

import urllib.parse

import pytest

from tests.e2e.wordpress.conftest import Moderato, Newsroom, Store
from tests.support.wordpress.site import WordPress

pytestmark = pytest.mark.worker

# The keyword classifier (see the `moderato` fixture) scores these deterministically.
SPAM = "Guadagna soldi da casa! Clicca qui: offerta bitcoin e crypto solo per oggi."
ITALIAN = "Finalmente una pista ciclabile in via Roma! Speriamo che i lavori finiscano presto."
REPORTED = "Bel pezzo. Per chi cerca un affare, sul mio sito le scommesse migliori della zona."
FALSE_POSITIVE = "Concerto gratis in piazza sabato: clicca sul sito del Comune, offerta per i soldi"
DISCARDED = "Vinci soldi con il casino online: bitcoin gratis, clicca e iscriviti subito!"
APOSTROPHES = "Bell'articolo, l'assessore ha detto \"entro l'estate\". Grazie!"
WORDPRESS_MAX_COMMENT = 65_525  # characters (wp_get_comment_fields_max_lengths)
UNCERTAIN = "Per chi vuole saperne di più: iscriviti alla newsletter del Comune sul progetto."


def test_akismets_settings_page_saves_the_sites_key_and_refuses_a_replaced_one(
    wordpress: WordPress, newsroom: Newsroom
) -> None:
    wordpress.enter_akismet_key(newsroom.replaced_akismet_key)  # no longer valid
    assert wordpress.php("option", "wordpress_api_key") in ("", False)

    wordpress.enter_akismet_key(newsroom.akismet_key)

    assert wordpress.php("option", "wordpress_api_key") == newsroom.akismet_key


def test_a_spam_comment_lands_in_wordpress_spam(akismet_wordpress: WordPress, store: Store) -> None:
    answer = akismet_wordpress.post_comment(SPAM, "Offerte Web", "promo@example.com")

    assert answer.status == 302, answer.body[-2000:]
    comment = akismet_wordpress.comment(SPAM)
    assert (comment["status"], comment["meta"]["akismet_result"]) == ("spam", "true")
    assert store.wait_comment(SPAM)["status"] == "rejected"


def test_a_legitimate_italian_comment_is_published(
    akismet_wordpress: WordPress, store: Store
) -> None:
    answer = akismet_wordpress.post_comment(ITALIAN, "Giulia Rossi", "giulia@example.it")

    assert answer.status == 302, answer.body[-2000:]
    comment = akismet_wordpress.comment(ITALIAN)
    assert (comment["status"], comment["meta"]["akismet_result"]) == ("approved", "false")
    article = urllib.parse.urldefrag(answer.headers["Location"]).url
    assert ITALIAN.split("!")[0] in akismet_wordpress.request(article).body
    assert store.wait_comment(ITALIAN)["status"] == "approved"


CLICKS = pytest.mark.parametrize("script", [False, True], ids=["link", "javascript"])


@CLICKS
def test_marking_a_comment_as_spam_in_wordpress_reaches_moderato_as_submit_spam(
    akismet_wordpress: WordPress, store: Store, script: bool
) -> None:
    text = f"{REPORTED} ({'con' if script else 'senza'} JavaScript)"
    akismet_wordpress.post_comment(text, "Marco", "marco@example.it")
    published = akismet_wordpress.comment(text)
    assert published["status"] == "approved"

    akismet_wordpress.moderate(published["id"], "spam", script=script)

    reported = akismet_wordpress.comment(text)
    assert (reported["status"], reported["meta"]["akismet_user_result"]) == ("spam", "true")
    stored = store.wait_comment(text)
    assert stored["status"] == "rejected"
    assert stored["events"][-1]["actor"] == akismet_wordpress.admin, stored


@CLICKS
def test_not_spam_in_wordpress_reaches_moderato_as_submit_ham(
    akismet_wordpress: WordPress, store: Store, script: bool
) -> None:
    text = f"{FALSE_POSITIVE} ({'con' if script else 'senza'} JavaScript)"
    akismet_wordpress.post_comment(text, "Pro Loco", "proloco@example.it")
    caught = akismet_wordpress.comment(text)
    assert caught["status"] == "spam"

    akismet_wordpress.moderate(caught["id"], "unspam", script=script)

    released = akismet_wordpress.comment(text)
    # WordPress puts a released comment back where it was before spam: here, never anywhere,
    # so it waits for approval.
    assert (released["status"], released["meta"]["akismet_user_result"]) == ("unapproved", "false")
    stored = store.wait_comment(text)
    assert stored["status"] == "approved"
    assert stored["events"][-1]["actor"] == akismet_wordpress.admin, stored


@pytest.mark.parametrize(
    ("decision", "payload", "in_wordpress", "akismet_result"),
    [("approve", {}, "approved", "false"), ("reject", {"reason": "spam"}, "spam", "true")],
    ids=["approved", "rejected"],
)
def test_an_uncertain_comment_waits_in_wordpress_for_the_moderators_decision_in_moderato(
    akismet_wordpress: WordPress,
    moderato: Moderato,
    newsroom: Newsroom,
    store: Store,
    decision: str,
    payload: dict[str, str],
    in_wordpress: str,
    akismet_result: str,
) -> None:
    marker = f"{UNCERTAIN} ({decision})"
    assert_held_until_decided(
        akismet_wordpress, moderato, newsroom, store, marker, marker, decision, payload
    )
    decided = akismet_wordpress.comment(marker)
    assert (decided["status"], decided["meta"]["akismet_result"]) == (in_wordpress, akismet_result)


def test_an_uncertain_comment_with_a_link_and_apostrophes_gets_the_decision_too(
    akismet_wordpress: WordPress, moderato: Moderato, newsroom: Newsroom, store: Store
) -> None:
    # WordPress re-checks the comment as its filters stored it (`rel="nofollow ugc"` added to
    # the link, `&amp;`, no slashes): Moderato must still know it as the one it holds.
    marker = f"{UNCERTAIN} (link)"
    link = '<a href="https://www.comune.example.it/ciclabile">Comune & Provincia</a>'
    text = f"{marker} L'assessore l'ha spiegato qui: {link}"
    assert_held_until_decided(
        akismet_wordpress, moderato, newsroom, store, text, marker, "approve", {}
    )
    assert akismet_wordpress.comment(marker)["status"] == "approved"


def assert_held_until_decided(
    wordpress: WordPress,
    moderato: Moderato,
    newsroom: Newsroom,
    store: Store,
    text: str,
    marker: str,
    decision: str,
    payload: dict[str, str],
) -> None:
    """Post `text`; it must wait in WordPress's Pending and Moderato's queue, re-checks included,
    until a moderator decides in Moderato; then one re-check ends WordPress's wait."""
    wordpress.post_comment(text, "Lucia", "lucia@example.it")

    held = wordpress.comment(marker)
    assert held["status"] == "unapproved"  # in WordPress's Pending, not published
    assert held["meta"]["akismet_error"]  # so Akismet's cron asks again later
    stored = store.wait_comment(marker)
    assert stored["status"] == "pending"  # in Moderato's review queue

    wordpress.php("recheck")  # WordPress asks again before anyone decided
    assert wordpress.comment(marker)["status"] == "unapproved"

    path = f"/api/v1/moderation/comments/{stored['id']}/{decision}"
    moderato.api(path, newsroom.moderator_token, payload)
    wordpress.php("recheck")  # the re-check WordPress's cron runs ~20 minutes later

    assert not wordpress.comment(marker)["meta"]["akismet_error"]
    assert store.count(marker) == 1  # the re-checks stored nothing new


def test_a_comment_with_apostrophes_and_quotes_is_stored_as_the_visitor_wrote_it(
    akismet_wordpress: WordPress, store: Store
) -> None:
    # WordPress hands Akismet the comment form's fields with PHP's magic-quote slashes
    # (wp-comments-post.php → wp_new_comment(wp_slash(...))): `l\'estate`, `\"`.
    akismet_wordpress.post_comment(APOSTROPHES, "Anna D'Angelo", "anna@example.it")

    assert akismet_wordpress.comment("Bell'articolo")["status"] == "approved"
    stored = store.wait_comment("articolo, l")
    assert stored["body"] == APOSTROPHES
    assert stored["author_name"] == "Anna D'Angelo"


def test_a_report_of_a_comment_with_apostrophes_labels_the_comment_moderato_checked(
    akismet_wordpress: WordPress, store: Store
) -> None:
    text = "Un'occasione così non l'avete mai vista: scrivetemi in privato."
    akismet_wordpress.post_comment(text, "Sara", "sara@example.it")
    published = akismet_wordpress.comment("scrivetemi in privato")
    assert published["status"] == "approved"

    akismet_wordpress.moderate(published["id"], "spam")

    assert store.count("scrivetemi in privato") == 1  # labelled, not stored a second time
    assert store.wait_comment("scrivetemi in privato")["status"] == "rejected"


def test_a_comment_as_long_as_wordpress_allows_is_checked_and_published(
    akismet_wordpress: WordPress, store: Store
) -> None:
    sentence = "La nuova pista ciclabile collega finalmente il centro alla stazione. "
    text = (sentence * (WORDPRESS_MAX_COMMENT // len(sentence))).strip()
    assert len(text) > WORDPRESS_MAX_COMMENT - len(sentence)  # sent twice: a 130 kB form

    answer = akismet_wordpress.post_comment(text, "Paolo", "paolo@example.it")

    assert answer.status == 302, answer.body[-2000:]
    comment = akismet_wordpress.comment(text)
    assert (comment["status"], comment["meta"]["akismet_result"]) == ("approved", "false")
    assert store.wait_comment(text)["status"] == "approved"


def test_no_report_is_lost_when_an_admin_marks_several_comments_as_spam_at_once(
    akismet_wordpress: WordPress, store: Store
) -> None:
    texts = [
        f"Ottimo articolo numero {n}, lo condivido con gli amici del quartiere." for n in range(5)
    ]
    for number, text in enumerate(texts):
        akismet_wordpress.post_comment(text, f"Lettore {number}", f"lettore{number}@example.it")
    ids = [akismet_wordpress.comment(text)["id"] for text in texts]

    akismet_wordpress.bulk_moderate(ids, "spam")

    assert [akismet_wordpress.comment(text)["status"] for text in texts] == ["spam"] * 5
    reports = [store.wait_comment(text) for text in texts]
    assert [(r["status"], r["events"][-1]["actor"]) for r in reports] == [
        ("rejected", akismet_wordpress.admin)
    ] * 5


def test_spam_of_a_site_that_opted_in_to_discard_is_dropped_by_wordpress_and_kept_by_moderato(
    akismet_wordpress: WordPress, moderato: Moderato, newsroom: Newsroom, store: Store
) -> None:
    moderato.cli("sites", "update", newsroom.slug, "--akismet-discard")
    akismet_wordpress.enter_akismet_key(newsroom.akismet_key, discard_worst_spam=True)
    try:
        answer = akismet_wordpress.post_comment(DISCARDED, "Vinci Ora", "win@example.com")
    finally:
        moderato.cli("sites", "update", newsroom.slug, "--no-akismet-discard")
        akismet_wordpress.enter_akismet_key(newsroom.akismet_key)

    assert answer.status == 302, answer.body[-2000:]  # back to the article, as for any comment
    assert akismet_wordpress.comments(DISCARDED) == []
    assert store.wait_comment(DISCARDED)["status"] == "rejected"
