import pytest
from marshmallow import ValidationError

from service.api.schemas import (
    comment_create_schema,
    queue_args_schema,
    rejection_schema,
)
from tests.support.factories import comment_payload


def errors_of(payload: dict) -> dict:
    with pytest.raises(ValidationError) as caught:
        comment_create_schema.load(payload)
    return caught.value.messages  # type: ignore[return-value]


def test_a_full_submission_loads_with_its_values() -> None:
    data = comment_create_schema.load(comment_payload(body="  Ciao a tutti, è vero!  "))
    assert data["body"] == "Ciao a tutti, è vero!"
    assert data["author_ip"] == "93.44.12.7"
    assert data["parent_id"] is None


def test_only_required_fields_are_needed() -> None:
    data = comment_create_schema.load({"article_id": "a", "author_name": "B", "body": "c"})
    assert data["author_email"] is None
    assert data["language"] is None


@pytest.mark.parametrize("missing", ["article_id", "author_name", "body"])
def test_required_fields(missing: str) -> None:
    payload = comment_payload()
    del payload[missing]
    assert missing in errors_of(payload)


def test_unknown_fields_are_refused() -> None:
    assert "is_admin" in errors_of(comment_payload(is_admin=True))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", "   "),
        ("body", "x" * 10_001),
        ("author_name", ""),
        ("author_name", "n" * 101),
        ("article_id", "a" * 256),
        ("author_email", "not-an-address"),
        ("author_url", "javascript:alert(1)"),
        ("author_url", "ftp://example.com/"),
        ("author_ip", "999.1.1.1"),
        ("parent_id", "12"),
        ("body", "null byte \x00 here"),
    ],
)
def test_invalid_values_are_reported_on_their_field(field: str, value: object) -> None:
    assert field in errors_of(comment_payload(**{field: value}))


def test_a_body_of_exactly_ten_thousand_characters_is_accepted() -> None:
    assert len(comment_create_schema.load(comment_payload(body="é" * 10_000))["body"]) == 10_000


def test_ipv6_addresses_are_accepted() -> None:
    data = comment_create_schema.load(comment_payload(author_ip="2001:0db8:0:0::1"))
    assert data["author_ip"] == "2001:db8::1"


def test_rejection_needs_a_known_reason() -> None:
    assert rejection_schema.load({"reason": "spam"})["reason"] == "spam"
    with pytest.raises(ValidationError) as caught:
        rejection_schema.load({"reason": "boring"})
    assert "reason" in caught.value.messages
    with pytest.raises(ValidationError):
        rejection_schema.load({})


def test_queue_arguments_have_defaults_and_limits() -> None:
    args = queue_args_schema.load({})
    assert (args["status"], args["order"], args["limit"]) == ("pending", "oldest", 50)
    with pytest.raises(ValidationError):
        queue_args_schema.load({"limit": "101"})
    with pytest.raises(ValidationError):
        queue_args_schema.load({"order": "random"})


@pytest.mark.parametrize("edge", ["\x0b", "\x0c"])
def test_a_vertical_tab_or_form_feed_is_refused_even_at_either_end(edge: str) -> None:
    # str.strip() removes both, so they were once trimmed away instead of refused.
    for body in (f"{edge}text", f"text{edge}"):
        with pytest.raises(ValidationError) as error:
            comment_create_schema.load(comment_payload(body=body))
        assert "body" in error.value.messages


def test_surrounding_spaces_and_newlines_are_trimmed() -> None:
    loaded = comment_create_schema.load(comment_payload(body=" \n text \r\n\t"))
    assert loaded["body"] == "text"
