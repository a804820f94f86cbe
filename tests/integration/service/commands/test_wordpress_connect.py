"""`moderato wordpress connect`: the WordPress site's webhook endpoint and the settings its
plugin needs, printed as wp-config.php lines."""

import re

import pytest
from flask import Flask
from sqlalchemy import select

from models import WebhookEndpoint
from service.accounts.auth import authenticate_akismet_key, authenticate_key
from service.cli import main
from service.extensions import db
from service.webhooks.wordpress import connect_wordpress
from tests.support.factories import create_site

DEFINE = re.compile(r"^define\( '(\w+)', '([^']*)' \);$", re.M)
WP_URL = "https://giornale.example.it/"


def test_connect_creates_the_endpoint_and_prints_the_four_constants(app: Flask) -> None:
    site = create_site("Il Quotidiano").site

    result = app.test_cli_runner().invoke(
        main, ["wordpress", "connect", "--site", "il-quotidiano", "--url", WP_URL,
               "--moderato-url", "https://moderato.example.org/"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    constants = dict(DEFINE.findall(result.output))
    assert list(constants) == [
        "MODERATO_URL", "MODERATO_SITE_KEY", "MODERATO_AKISMET_KEY", "MODERATO_WEBHOOK_SECRET",
    ]  # fmt: skip
    assert constants["MODERATO_URL"] == "https://moderato.example.org"
    assert authenticate_key(constants["MODERATO_SITE_KEY"]).site.id == site.id  # type: ignore[union-attr]
    assert authenticate_akismet_key(constants["MODERATO_AKISMET_KEY"]).id == site.id
    [endpoint] = db.session.scalars(select(WebhookEndpoint)).all()
    assert endpoint.url == "https://giornale.example.it/wp-json/moderato/v1/events"
    assert endpoint.events == ["comment.decided"]
    assert endpoint.secret == constants["MODERATO_WEBHOOK_SECRET"]


def test_connect_keeps_the_keys_given_and_replaces_the_endpoint_at_the_same_address(
    app: Flask,
) -> None:
    new = create_site("Il Quotidiano")
    first = connect_wordpress("il-quotidiano", WP_URL, site_key=new.api_key,
                              akismet_key=new.akismet_key)  # fmt: skip

    again = connect_wordpress(
        "il-quotidiano", WP_URL, site_key=new.api_key, akismet_key=new.akismet_key
    )

    assert (again.site_key, again.akismet_key, again.new_keys) == (
        new.api_key, new.akismet_key, (),
    )  # fmt: skip
    assert again.webhook_secret != first.webhook_secret
    ids = db.session.scalars(select(WebhookEndpoint.id)).all()
    assert ids == [again.endpoint_id]


def test_connect_refuses_another_site_s_key_and_changes_nothing(app: Flask) -> None:
    create_site("Il Quotidiano")
    other = create_site("La Gazzetta")

    result = app.test_cli_runner().invoke(
        main, ["wordpress", "connect", "--site", "il-quotidiano", "--url", WP_URL,
               "--site-key", other.api_key],
    )  # fmt: skip

    assert result.exit_code != 0
    assert "site_key" in result.output
    assert db.session.scalars(select(WebhookEndpoint)).all() == []
    assert authenticate_key(other.api_key).site is not None


@pytest.mark.parametrize("url", ["ftp://giornale.example.it", "http://169.254.169.254"])
def test_connect_refuses_an_address_deliveries_cannot_go_to(app: Flask, url: str) -> None:
    new = create_site("Il Quotidiano")

    result = app.test_cli_runner().invoke(
        main, ["wordpress", "connect", "--site", "il-quotidiano", "--url", url]
    )

    assert result.exit_code != 0
    assert "url" in result.output
    assert authenticate_key(new.api_key).site is not None  # no key was replaced
