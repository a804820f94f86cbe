"""Limits on the URL, the Expect header and the body, enforced by the app whatever the server."""

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Response

from tests.support import bad_requests
from tests.support.factories import bearer, create_site


def assert_error(response: Response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code


def post_without_length(app: Flask, path: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body` as a server passes a chunked one: no CONTENT_LENGTH, input terminated."""
    environ = EnvironBuilder(
        path=path, method="POST", data=body, content_type="application/json", headers=headers
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    return Response(app_iter, status, response_headers)


def test_a_url_over_4096_characters_is_refused_with_414(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/comments?q=" + "a" * 5000), 414, "uri_too_long")


def test_a_url_of_ordinary_length_is_served(client: FlaskClient) -> None:
    assert client.get("/healthz?q=" + "a" * 1000).status_code == 200


def test_an_expectation_other_than_100_continue_is_refused_with_417(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"Expect": "something-else"})
    assert_error(response, 417, "expectation_failed")


def test_expect_100_continue_is_served(client: FlaskClient) -> None:
    assert client.get("/healthz", headers={"Expect": "100-Continue"}).status_code == 200


def test_a_body_without_length_over_64_kib_is_refused_not_truncated(app: Flask) -> None:
    site = create_site()
    body = bad_requests.oversized_json()
    response = post_without_length(app, "/api/v1/comments", body, bearer(site.api_key))
    assert_error(response, 413, "payload_too_large")


def test_a_body_without_length_under_64_kib_is_read_whole(app: Flask) -> None:
    site = create_site()
    body = bad_requests.oversized_json()[: bad_requests.LIMIT]
    response = post_without_length(app, "/api/v1/comments", body, bearer(site.api_key))
    assert response.status_code == 202, response.get_data(as_text=True)


def test_a_declared_length_over_64_kib_is_refused_on_any_route(client: FlaskClient) -> None:
    response = client.post("/healthz", data=b"x" * (bad_requests.LIMIT + 1))
    assert_error(response, 413, "payload_too_large")
