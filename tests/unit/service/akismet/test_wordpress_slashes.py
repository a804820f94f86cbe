"""WordPress's slashed fields: its comment form's checks come with PHP's magic-quote slashes,
undone before anything is stored; every other request is read as it comes."""

import pytest

from service.akismet.fields import read_check_fields, strip_slashes
from tests.support.akismet import wordpress_form

SLASHED_BODY = "Bell\\'articolo, l\\'assessore ha detto \\\"entro l\\'estate\\\". C:\\\\temp"
BODY = "Bell'articolo, l'assessore ha detto \"entro l'estate\". C:\\temp"


@pytest.mark.parametrize(
    ("slashed", "plain"),
    [
        (SLASHED_BODY, BODY),
        ("nessuna barra", "nessuna barra"),
        ("a\\0b", "a0b"),  # addslashes' NUL: never stored as a NUL
        ("in fondo \\", "in fondo "),  # a lone backslash at the end goes, as in PHP
    ],
)
def test_strip_slashes_undoes_addslashes(slashed: str, plain: str) -> None:
    assert strip_slashes(slashed) == plain


def comment_form(**fields: str) -> dict[str, str]:
    """WordPress's check of a comment posted through wp-comments-post.php, slashed."""
    return wordpress_form("0123456789ab") | {
        "comment_content": SLASHED_BODY,
        "comment_author": "Anna D\\'Angelo",
        "user_agent": 'Agente \\"quotato\\"',
        **fields,
    }


def test_a_comment_form_check_is_read_without_its_slashes() -> None:
    values = read_check_fields(comment_form()).comment.values
    assert values["body"] == BODY
    assert values["author_name"] == "Anna D'Angelo"
    assert values["user_agent"] == 'Agente "quotato"'


def test_an_admins_reply_from_comments_is_read_without_its_slashes() -> None:
    form = comment_form(REQUEST_URI="/blog/wp-admin/admin-ajax.php", POST_action="replyto-comment")
    assert read_check_fields(form).comment.values["body"] == BODY


@pytest.mark.parametrize(
    "other",
    [
        {"recheck_reason": "retry"},  # the comment as WordPress stored it
        {"REQUEST_URI": "/wp-json/wp/v2/comments"},  # WordPress's REST API: unslashed
        {"REQUEST_URI": "/wp-admin/admin-ajax.php", "POST_action": "other"},
        {"REQUEST_URI": ""},  # another client
    ],
    ids=["recheck", "rest-api", "other-ajax", "other-client"],
)
def test_other_requests_are_read_as_they_come(other: dict[str, str]) -> None:
    assert read_check_fields(comment_form(**other)).comment.values["body"] == SLASHED_BODY
