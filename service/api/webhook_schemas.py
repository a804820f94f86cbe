"""Request and response schemas of the webhook API (a site's endpoints and deliveries)."""

import json
from typing import Any

from marshmallow import Schema, fields, validate

from models import DeliveryStatus, WebhookEvent
from service.api.schemas import AnswerSchema, CleanString, CleanUrl, PageArgsSchema
from service.webhooks.endpoints import MAX_SECRET_BYTES, MIN_SECRET_BYTES, SECRET_PREFIX

BASE64_QUANTUM = "[A-Za-z0-9+/]{4}"  # 3 bytes
BASE64_TAILS = {0: "", 1: "[A-Za-z0-9+/]{2}==", 2: "[A-Za-z0-9+/]{3}="}  # the last 0-2 bytes


def base64_pattern(min_bytes: int, max_bytes: int) -> str:
    """A regular expression of padded base64 holding `min_bytes` to `max_bytes` bytes (what
    endpoints.check_secret takes), so the description states it."""
    alternatives = []
    for extra, tail in BASE64_TAILS.items():
        fewest, most = max(0, -(-(min_bytes - extra) // 3)), (max_bytes - extra) // 3
        if fewest <= most:
            alternatives.append(f"(?:{BASE64_QUANTUM}){{{fewest},{most}}}{tail}")
    return "(?:" + "|".join(alternatives) + ")"


SECRET_PATTERN = f"^{SECRET_PREFIX}{base64_pattern(MIN_SECRET_BYTES, MAX_SECRET_BYTES)}$"


class EndpointCreateSchema(Schema):
    """The body of POST /api/v1/webhooks; unknown fields are refused."""

    url = CleanUrl(
        required=True, schemes={"http", "https"}, require_tld=False,
        validate=validate.Length(max=2048),
        metadata={
            "description": "An IP address in it must be a public one; a host in brackets an "
            "IP address; a port at most 65535."
        },
    )  # fmt: skip
    events = fields.List(
        CleanString(validate=validate.OneOf(WebhookEvent.ALL)),
        required=True,
        validate=validate.Length(min=1, max=len(WebhookEvent.ALL)),
    )
    # Optional: a Standard Webhooks secret of your own ("whsec_" + base64); else one is made.
    secret = CleanString(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"pattern": SECRET_PATTERN},  # checked by endpoints.check_secret
    )


class DeliveryArgsSchema(PageArgsSchema):
    """Filters of an endpoint's deliveries."""

    status = CleanString(load_default=None, validate=validate.OneOf(DeliveryStatus.ALL))


class EndpointSchema(AnswerSchema):
    """An endpoint as its site sees it; the secret only in the answer that created it."""

    id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    created_at = fields.DateTime()


class NewEndpointSchema(AnswerSchema):
    """An endpoint just created (a `NewEndpoint`), with its secret (shown only this once)."""

    id = fields.Integer(attribute="endpoint.id")
    url = fields.String(attribute="endpoint.url")
    events = fields.List(fields.String(), attribute="endpoint.events")
    created_at = fields.DateTime(attribute="endpoint.created_at")
    secret = fields.String()


class DeliverySchema(AnswerSchema):
    """One delivery of an endpoint, with how its attempts went."""

    id = fields.Integer()
    comment_id = fields.Integer()
    event = fields.String()
    message_id = fields.String()  # the webhook-id header
    status = fields.String()  # pending, delivered or failed
    attempts = fields.Integer()
    next_attempt_at = fields.Method(
        "dump_next_attempt_at", metadata={"type": ["string", "null"], "format": "date-time"}
    )
    last_attempt_at = fields.DateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)  # a stable code, e.g. timeout, refused_address
    redelivery_of = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    payload = fields.Method("dump_payload", metadata={"type": "object"})  # the body sent

    def dump_next_attempt_at(self, delivery: Any) -> str | None:
        """When the next attempt is due; null once delivered or failed."""
        if delivery.status != DeliveryStatus.PENDING:
            return None
        return str(delivery.next_attempt_at.isoformat())

    def dump_payload(self, delivery: Any) -> Any:
        """The stored body, parsed."""
        return json.loads(delivery.payload)


class EndpointListSchema(AnswerSchema):
    """A site's endpoints (rendered by the view)."""

    items = fields.List(fields.Nested(EndpointSchema))


class DeliveryPageSchema(AnswerSchema):
    """A page of an endpoint's deliveries, newest first (rendered by the view)."""

    items = fields.List(fields.Nested(DeliverySchema))
    next_cursor = fields.String(allow_none=True)  # null on the last page


endpoint_create_schema = EndpointCreateSchema()
delivery_args_schema = DeliveryArgsSchema()
endpoint_schema = EndpointSchema()
endpoints_schema = EndpointSchema(many=True)
new_endpoint_schema = NewEndpointSchema()
delivery_schema = DeliverySchema()
deliveries_schema = DeliverySchema(many=True)
