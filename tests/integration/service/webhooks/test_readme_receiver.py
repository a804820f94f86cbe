"""The receiver docs/webhooks.md shows verifies a real delivery, and refuses a tampered one."""

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from models import CommentStatus, WebhookEvent
from service.extensions import db
from service.moderation import gate
from service.moderation.changes import CLASSIFIER, Change
from service.webhooks.delivery import deliver_due
from tests.support.factories import create_comment, create_endpoint, create_site
from tests.support.receiver import Receiver

README = Path(__file__).resolve().parents[4] / "docs" / "webhooks.md"


def readme_receiver(secret: str) -> Flask:
    """The docs' Python receiver, with this endpoint's secret in place of `whsec_...`."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    [code] = [block for block in blocks if "standardwebhooks" in block]
    namespace: dict[str, Any] = {"__name__": "readme_receiver"}
    exec(code.replace('"whsec_..."', repr(secret)), namespace)  # noqa: S102 - our own docs
    return namespace["app"]  # type: ignore[no-any-return]


@pytest.mark.usefixtures("allow_loopback", "broker")
def test_the_readme_receiver_accepts_a_delivery_and_refuses_a_tampered_one(
    app: Flask, receiver: Receiver
) -> None:
    site = create_site().site
    new = create_endpoint(site, url=receiver.url, events=(WebhookEvent.COMMENT_DECIDED,))
    comment = create_comment(site)
    change = Change(
        comment.id, CommentStatus.QUEUED, CommentStatus.APPROVED, "not_spam", CLASSIFIER
    )
    gate.transition([change])
    db.session.commit()
    deliver_due(new.endpoint.id)
    [request] = receiver.requests
    client = readme_receiver(new.secret).test_client()
    headers = {name: value for name, value in request.headers.items() if name != "Host"}
    assert client.post("/moderato", data=request.body, headers=headers).status_code == 204
    tampered = request.body.replace(b"approved", b"rejected")
    assert client.post("/moderato", data=tampered, headers=headers).status_code == 400
