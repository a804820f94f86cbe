"""Adding, reading and removing a site's endpoints."""

import base64

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import WebhookDelivery, WebhookEvent
from service.errors import InvalidInput
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Change
from service.webhooks import endpoints
from service.webhooks.endpoints import WebhookEndpointNotFound
from service.webhooks.subscriptions import subscribed_sites
from tests.support.factories import create_comment, create_endpoint, create_site


def test_a_new_endpoint_gets_a_standard_webhooks_secret_and_every_event_it_named(
    app: Flask,
) -> None:
    site = create_site().site
    new = create_endpoint(
        site, events=(WebhookEvent.COMMENT_LEFT_REVIEW, WebhookEvent.COMMENT_DECIDED)
    )
    assert new.secret.startswith("whsec_")
    assert len(base64.b64decode(new.secret.removeprefix("whsec_"))) == 32
    assert new.endpoint.events == [WebhookEvent.COMMENT_DECIDED, WebhookEvent.COMMENT_LEFT_REVIEW]
    assert site.id in subscribed_sites().get()  # this process sees it at once


@pytest.mark.parametrize(
    ("url", "events", "secret", "field"),
    [
        ("ftp://hooks.example.com/", ["comment.decided"], None, "url"),
        ("https://10.0.0.1/hooks", ["comment.decided"], None, "url"),
        ("https://[::1]:8443/hooks", ["comment.decided"], None, "url"),
        ("https://hooks.example.com/", [], None, "events"),
        ("https://hooks.example.com/", ["comment.deleted"], None, "events"),
        ("https://hooks.example.com/", ["comment.decided"], "sk_not-a-webhook-secret", "secret"),
        ("https://hooks.example.com/", ["comment.decided"], "whsec_c2hvcnQ=", "secret"),
        ("https://hooks.example.com/", ["comment.decided"], "whsec_!!!", "secret"),
    ],
)
def test_invalid_endpoints_are_refused_naming_the_field(
    app: Flask, url: str, events: list[str], secret: str | None, field: str
) -> None:
    site = create_site().site
    with pytest.raises(InvalidInput) as refused:
        endpoints.add_endpoint(site.id, url, events, secret)
    assert list(refused.value.fields) == [field]


def test_a_private_address_is_accepted_when_the_setting_allows_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)
    site = create_site().site
    assert create_endpoint(site, url="http://10.0.0.1:8080/hooks").endpoint.id


def test_a_site_reaches_only_its_own_endpoints(app: Flask) -> None:
    mine, theirs = create_site().site, create_site().site
    endpoint = create_endpoint(theirs).endpoint
    with pytest.raises(WebhookEndpointNotFound):
        endpoints.get_endpoint(endpoint.id, mine.id)
    with pytest.raises(WebhookEndpointNotFound):
        endpoints.remove_endpoint(endpoint.id, mine.id)
    assert endpoints.list_endpoints(mine.id) == []
    assert [e.id for e in endpoints.list_endpoints(theirs.id)] == [endpoint.id]


def test_removing_an_endpoint_removes_its_deliveries_and_its_site_from_the_cache(
    app: Flask,
) -> None:
    site = create_site().site
    endpoint = create_endpoint(site).endpoint
    comment = create_comment(site)
    gate.transition([Change(comment.id, "queued", "approved", None, CLASSIFIER)])
    db.session.commit()
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 1
    endpoints.remove_endpoint(endpoint.id, site.id)
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 0
    assert endpoints.list_endpoints(site.id) == []
    assert site.id not in subscribed_sites().get()
