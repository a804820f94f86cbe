"""Reading the protocol's form fields."""

from models import CommentStatus
from service.akismet.fields import article_id, key_from_host, read_check_fields, strip_slashes
from tests.support.akismet import PERMALINK, wordpress_form


def test_the_standard_fields_become_comment_columns_and_the_rest_is_dropped() -> None:
    fields = read_check_fields(wordpress_form("0123456789ab", user_role="editor,subscriber"))
    assert fields.comment.values == {
        "article_id": PERMALINK, "article_url": PERMALINK, "author_name": "Giulia Rossi",
        "author_email": "giulia.rossi@example.it", "author_url": "https://giuliarossi.example.it",
        "body": fields.comment.values["body"], "author_ip": "93.44.12.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", "referrer": PERMALINK,
        "language": "it_IT",
    }  # fmt: skip
    assert fields.roles == {"editor", "subscriber"}
    assert (fields.is_test, fields.recheck_reason, fields.rule()) == (False, None, None)


def test_values_longer_than_their_columns_are_cut() -> None:
    fields = read_check_fields({"comment_author": "A" * 300, "user_agent": "U" * 900})
    assert len(fields.comment.values["author_name"]) == 100
    assert len(fields.comment.values["user_agent"]) == 512
    assert fields.comment.values["author_email"] is None


def test_a_long_permalink_is_kept_whole_in_article_url_and_digested_in_article_id() -> None:
    long_link = "https://x.example/" + "a" * 400
    assert article_id(long_link).startswith("sha256:")
    assert article_id(long_link) == article_id(long_link)
    assert article_id(PERMALINK) == PERMALINK


def test_the_test_conventions_and_the_honeypot_fix_the_decision() -> None:
    spam = read_check_fields({"comment_author": "akismet-guaranteed-spam"}).rule()
    admin = read_check_fields({"user_role": "administrator"}).rule()
    honeypot = read_check_fields({"honeypot_field_name": "hp", "hp": "filled"}).rule()
    assert spam is not None
    assert spam.status == CommentStatus.REJECTED
    assert admin is not None
    assert admin.status == CommentStatus.APPROVED
    assert honeypot is not None
    assert honeypot.reason == "honeypot"


def test_is_test_takes_the_truthy_spellings_clients_send() -> None:
    for value, expected in (("1", True), ("true", True), ("True", True), ("0", False),
                            ("false", False), ("", False)):  # fmt: skip
        assert read_check_fields({"is_test": value}).is_test is expected


def test_a_key_in_the_host_is_its_first_label_when_it_looks_like_a_key() -> None:
    assert key_from_host("0123456789ab.rest.akismet.com") == "0123456789ab"
    assert key_from_host("0123456789AB.moderato.example:8001") == "0123456789AB"
    assert key_from_host("rest.akismet.com") is None
    assert key_from_host("localhost") is None
    assert key_from_host("") is None


def test_wordpress_comment_form_fields_lose_their_magic_quote_slashes() -> None:
    slashed = {
        "comment_content": "Bell\\'articolo, \\\"davvero\\\" \\\\ grazie", "REQUEST_URI":
        "/wp-comments-post.php", "comment_author": "Anna D\\'Angelo", "user_agent": "It\\'s",
    }  # fmt: skip
    values = read_check_fields(slashed, check=True).comment.values
    assert values["body"] == 'Bell\'articolo, "davvero" \\ grazie'
    assert values["author_name"] == "Anna D'Angelo"
    assert values["user_agent"] == "It\\'s"  # the plugin unslashes the headers it sends


def test_rechecks_reports_and_other_clients_keep_their_backslashes() -> None:
    text = "C:\\\\percorso e l\\'apostrofo"
    recheck = {"comment_content": text, "REQUEST_URI": "/wp-comments-post.php",
               "recheck_reason": "retry"}  # fmt: skip
    assert read_check_fields(recheck, check=True).comment.values["body"] == text
    other = {"comment_content": text}
    assert read_check_fields(other, check=True).comment.values["body"] == text
    rest = {"comment_content": text, "REQUEST_URI": "/wp-json/wp/v2/comments"}
    assert read_check_fields(rest, check=True).comment.values["body"] == text
    report = {"comment_content": text, "REQUEST_URI": "/wp-comments-post.php"}
    assert read_check_fields(report).comment.values["body"] == text


def test_strip_slashes_is_phps() -> None:
    assert strip_slashes("l\\'estate") == "l'estate"
    assert strip_slashes("a\\\\b") == "a\\b"
    assert strip_slashes("x\\0y") == "x\x00y"
    assert strip_slashes("fine\\") == "fine"
    assert strip_slashes("\\q") == "q"
