"""The patterns in the description accept exactly what the API's fields accept."""

import re

import pytest
from marshmallow import Schema, ValidationError

from service.api.openapi.fields import ALLOWED, NON_BLANK, URL
from service.api.schemas import CONTROL_CHARACTERS, CleanUrl


class UrlSchema(Schema):
    url = CleanUrl(schemes={"http", "https"}, require_tld=False)


def accepted_url(value: str) -> bool:
    try:
        UrlSchema().load({"url": value})
    except ValidationError:
        return False
    return True


def test_allowed_characters_are_those_cleanstring_keeps() -> None:
    for code in range(0x3000):
        character = chr(code)
        assert bool(re.fullmatch(ALLOWED, character)) != bool(
            CONTROL_CHARACTERS.search(character)
        ), hex(code)


def test_non_blank_characters_are_those_strip_keeps() -> None:
    for code in range(0x3100):
        character = chr(code)
        keeps = character.strip() != "" and not CONTROL_CHARACTERS.search(character)
        assert bool(re.fullmatch(NON_BLANK, character)) == keeps, hex(code)


def test_the_url_pattern_agrees_with_marshmallow_on_every_character_of_a_path() -> None:
    for code in range(0x3100):
        value = f"http://localhost/a{chr(code)}b"
        assert bool(re.search(URL, value)) == accepted_url(value), hex(code)


@pytest.mark.parametrize(
    "value",
    [
        "https://www.ilquotidiano.example/2026/11/ciclabile",
        "http://localhost:8000/a?b=c",
        "http://127.0.0.1/",
        "http://[::1]:80/x",
        "HTTPS://user:pw@intranet/x",
        "http://example.it/città",
        "ftp://example.it/",
        "http://",
        "http://-bad.example/",
        "http://a b/",
        "http://example.it/\x11",
        "example.it",
        "javascript:alert(1)",
    ],
)
def test_the_url_pattern_agrees_with_marshmallow(value: str) -> None:
    assert bool(re.search(URL, value)) == accepted_url(value)
