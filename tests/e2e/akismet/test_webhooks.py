"""A comment decided by comment-check is announced to the site's webhooks like any other."""

from flask.testing import FlaskClient
from sqlalchemy import select

from models import AkismetCheck, WebhookDelivery, WebhookEvent
from service.extensions import db
from service.webhooks.subscriptions import subscribed_sites
from tests.e2e.akismet.conftest import KeyedSite
from tests.support.akismet import UNCERTAIN_TEXT, wordpress_form
from tests.support.factories import create_endpoint


def test_a_checked_comment_owes_its_decision_to_the_site_s_endpoint(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    create_endpoint(keyed_site.site, events=(WebhookEvent.COMMENT_DECIDED,))
    subscribed_sites().forget()

    answer = akismet_client.post("/1.1/comment-check", data=wordpress_form(keyed_site.key))

    assert answer.text == "false"
    check = db.session.scalars(select(AkismetCheck)).one()
    deliveries = db.session.scalars(select(WebhookDelivery)).all()
    assert [(d.comment_id, d.event) for d in deliveries] == [
        (check.comment_id, WebhookEvent.COMMENT_DECIDED)
    ]


def test_a_held_comment_is_announced_as_queued_for_review(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    create_endpoint(keyed_site.site)
    subscribed_sites().forget()

    form = wordpress_form(keyed_site.key, comment_content=UNCERTAIN_TEXT)
    assert akismet_client.post("/1.1/comment-check", data=form).text == "held for review"

    events = db.session.scalars(select(WebhookDelivery.event).order_by(WebhookDelivery.id)).all()
    assert events == [WebhookEvent.COMMENT_DECIDED, WebhookEvent.COMMENT_QUEUED_FOR_REVIEW]
