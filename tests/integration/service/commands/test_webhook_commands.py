"""`moderato webhooks`: add, list, remove, deliveries, redeliver."""

from flask import Flask
from sqlalchemy import select

from models import CommentStatus, WebhookDelivery
from service.cli import main
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Change
from tests.support.factories import create_comment, create_site


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(main, args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def value_after(output: str, label: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith(label))
    return line.split(":", 1)[1].strip()


def test_add_prints_the_endpoint_and_its_secret_and_list_shows_no_secret(app: Flask) -> None:
    site = create_site("Il Quotidiano").site
    output = run(
        app, "webhooks", "add", "il-quotidiano", "https://hooks.example.com/m",
        "--event", "comment.decided",
    )  # fmt: skip
    secret = value_after(output, "secret")
    assert secret.startswith("whsec_")
    assert value_after(output, "events") == "comment.decided"
    endpoint_id = value_after(output, "endpoint")
    listed = run(app, "webhooks", "list", "--site", "il-quotidiano")
    assert listed.split()[:3] == [endpoint_id, f"site={site.id}", "https://hooks.example.com/m"]
    assert secret not in listed


def test_add_subscribes_to_every_event_by_default_and_refuses_a_bad_url(app: Flask) -> None:
    create_site("Il Quotidiano")
    output = run(app, "webhooks", "add", "il-quotidiano", "https://hooks.example.com/m")
    assert value_after(output, "events") == (
        "comment.decided, comment.queued_for_review, comment.left_review"
    )
    refused = app.test_cli_runner().invoke(
        main, args=["webhooks", "add", "il-quotidiano", "http://169.254.169.254/latest"]
    )
    assert refused.exit_code != 0
    assert "url:" in refused.output


def test_deliveries_are_listed_redelivered_and_gone_with_their_endpoint(app: Flask) -> None:
    site = create_site("Il Quotidiano").site
    endpoint_id = value_after(
        run(app, "webhooks", "add", "il-quotidiano", "https://hooks.example.com/m"), "endpoint"
    )
    comment = create_comment(site)
    change = Change(
        comment.id, CommentStatus.QUEUED, CommentStatus.APPROVED, "not_spam", CLASSIFIER
    )
    gate.transition([change])
    db.session.commit()
    listed = run(app, "webhooks", "deliveries", endpoint_id).splitlines()
    assert len(listed) == 1
    assert "comment.decided" in listed[0]
    assert "pending" in listed[0]
    delivery_id = listed[0].split()[0]
    assert run(app, "webhooks", "redeliver", delivery_id).startswith("delivery ")
    assert len(run(app, "webhooks", "deliveries", endpoint_id).splitlines()) == 2
    run(app, "webhooks", "remove", endpoint_id)
    assert run(app, "webhooks", "list") == ""
    assert db.session.scalars(select(WebhookDelivery)).all() == []
