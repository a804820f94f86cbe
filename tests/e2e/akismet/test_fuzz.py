"""Fuzzing the Akismet routes: whatever the form holds, the answer is one the protocol knows
(never a 5xx), on PostgreSQL, the stricter backend (no NUL in text, bounded columns)."""

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import use_app
from tests.support.factories import create_site

FIELDS = (
    "blog", "user_ip", "user_agent", "referrer", "permalink", "comment_type", "comment_author",
    "comment_author_email", "comment_author_url", "comment_content", "comment_date_gmt",
    "comment_post_modified_gmt", "comment_parent", "user_role", "is_test", "recheck_reason",
    "honeypot_field_name", "blog_lang", "guid", "reporter", "hp", "POST_comment", "HTTP_HOST",
    "month", "format", "limit", "offset", "filter", "extended", "from",
)  # fmt: skip
ROUTES = (
    ("POST", "/1.1/comment-check"), ("POST", "/1.1/submit-spam"), ("POST", "/1.1/submit-ham"),
    ("POST", "/1.1/verify-key"), ("GET", "/1.2/usage-limit"), ("GET", "/1.2/key-sites"),
    ("POST", "/1.1/get-stats"), ("POST", "/1.1/get-subscription"), ("POST", "/1.1/deactivate"),
)  # fmt: skip
ANSWERS = {"true", "false", "held for review", "invalid", "valid", "deactivated",
           "Thanks for making the web a better place."}  # fmt: skip
SPECIAL = ["", "1", "true", "hp", "administrator", "akismet-guaranteed-spam", "2026-13", "csv"]
text = st.text(max_size=300) | st.sampled_from(SPECIAL)


@pytest.fixture
def fuzz_app(akismet_apps: dict[str, Flask]) -> Iterator[tuple[Flask, str]]:
    """The suite's Akismet app on PostgreSQL with one site; the site's key."""
    for app in use_app(akismet_apps["postgresql"]):
        yield app, create_site().akismet_key


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(ROUTES),
    form=st.dictionaries(st.sampled_from(FIELDS), text, max_size=12),
    keyed=st.booleans(),
)
def test_no_akismet_request_gets_a_5xx(
    fuzz_app: tuple[Flask, str], route: tuple[str, str], form: dict[str, str], keyed: bool
) -> None:
    app, site_key = fuzz_app
    client: FlaskClient = app.test_client()
    key = site_key if keyed else form.get("guid", "")
    method, path = route
    data = {**form, "api_key": key, "key": key}
    if method == "GET":
        response = client.get(path, query_string=data)
    else:
        response = client.post(path, data=data)
    assert response.status_code == 200, response.text
    if response.mimetype == "text/plain":
        assert response.text in ANSWERS or response.text.startswith("Active sites"), response.text
    else:
        assert response.is_json
