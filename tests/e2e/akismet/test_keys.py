"""Keys: `api_key`/`key` in the body or the first label of the raw Host header; `invalid`
with X-akismet-debug-help; verify-key reads `key` only."""

import pytest
from flask.testing import FlaskClient

from service.accounts.sites import rotate_akismet_key
from tests.e2e.akismet.conftest import KeyedSite
from tests.support.akismet import wordpress_form
from tests.support.factories import create_site

BLOG = "https://www.ilquotidiano.example"


def verify(client: FlaskClient, **form: str) -> tuple[str, str | None]:
    response = client.post("/1.1/verify-key", data={"blog": BLOG, **form})
    assert response.status_code == 200
    return response.text, response.headers.get("X-akismet-debug-help")


def test_verify_key_says_valid_for_a_site_key(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    assert verify(akismet_client, key=keyed_site.key) == ("valid", None)
    assert verify(akismet_client, key=keyed_site.key.upper())[0] == "valid"


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", 'Empty "api_key" value'),
        ("0123456789ab", "No site has this key"),
        ("not-a-key", "An Akismet key is 12 hexadecimal digits"),
        ("sk_abc", "An Akismet key is 12 hexadecimal digits"),
    ],
)
def test_verify_key_says_invalid_and_why(
    akismet_client: FlaskClient, keyed_site: KeyedSite, key: str, why: str
) -> None:
    assert verify(akismet_client, key=key) == ("invalid", why)


def test_verify_key_checks_key_not_the_old_api_key(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    # WordPress sends the configured key as api_key while an admin enters a new one as key.
    new = rotate_akismet_key(keyed_site.site.slug)
    assert verify(akismet_client, key=new, api_key=keyed_site.key)[0] == "valid"
    assert verify(akismet_client, key=keyed_site.key, api_key=new)[0] == "invalid"


def test_verify_key_without_blog_is_invalid(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    response = akismet_client.post("/1.1/verify-key", data={"key": keyed_site.key})
    assert response.text == "invalid"
    assert response.headers["X-akismet-debug-help"] == 'Empty "blog" value'


def test_a_key_in_the_host_name_is_read_from_the_raw_host_header(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    form = wordpress_form("")
    del form["api_key"]
    response = akismet_client.post(
        "/1.1/comment-check", data=form, headers={"Host": f"{keyed_site.key}.rest.example"}
    )
    assert response.text == "false"
    answer = akismet_client.post(
        "/1.1/verify-key", data={"blog": BLOG}, headers={"Host": f"{keyed_site.key}.rest.example"}
    )
    assert answer.text == "valid"


def test_the_host_of_the_real_service_is_not_taken_for_a_key(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    form = wordpress_form("")
    del form["api_key"]
    response = akismet_client.post(
        "/1.1/comment-check", data=form, headers={"Host": "rest.akismet.com"}
    )
    assert response.text == "invalid"
    assert response.headers["X-akismet-debug-help"] == 'Empty "api_key" value'


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/1.1/comment-check"), ("POST", "/1.1/submit-spam"),
     ("POST", "/1.1/submit-ham"), ("GET", "/1.2/usage-limit"), ("GET", "/1.2/key-sites"),
     ("POST", "/1.1/get-subscription"), ("POST", "/1.1/get-stats"), ("POST", "/1.1/deactivate")],
)  # fmt: skip
def test_every_route_answers_invalid_to_an_unknown_key(
    akismet_client: FlaskClient, keyed_site: KeyedSite, method: str, path: str
) -> None:
    form = wordpress_form("fedcba987654") | {"key": "fedcba987654"}
    response = akismet_client.open(path, method=method, data=form, query_string=(
        {"api_key": "fedcba987654"} if method == "GET" else None))  # fmt: skip
    assert response.status_code == 200
    assert response.text == "invalid"
    assert response.headers["X-akismet-debug-help"] == "No site has this key"


def test_a_key_reaches_only_its_own_site(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    other = create_site("Altro Giornale")
    checked = akismet_client.post("/1.1/comment-check", data=wordpress_form(keyed_site.key))
    guid = checked.headers["X-akismet-guid"]
    # The other site quotes this site's guid: the label lands on a comment of its own.
    akismet_client.post("/1.1/submit-spam", data=wordpress_form(other.akismet_key, guid=guid))
    recheck = wordpress_form(keyed_site.key, recheck_reason="retry")
    assert akismet_client.post("/1.1/comment-check", data=recheck).text == "false"
