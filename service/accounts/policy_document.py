"""A site's policy document: the one schema that the API, the CLI and the web UI validate it
with.

The document holds only settings that something enforces; it grows as rules land. A key left
out takes a new site's default, so a document is always complete once loaded. Unknown keys
are refused by name, and every invalid value is reported under its own field.
"""

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from models import ModerationMode, PolicyDefaults
from service.errors import InvalidInput

# The document's keys, in the order they are shown.
POLICY_KEYS = (
    "moderation_mode",
    "auto_approve_below",
    "auto_reject_above",
    "hold_unfamiliar_below",
    "close_after_days",
)
# The longest `close_after_days` taken: about 100 years, far below any integer's limit.
MAX_CLOSE_AFTER_DAYS = 36_500


class StrictFloat(fields.Float):
    """A JSON number: never a string (`"0.5"`) or a boolean, and never NaN or infinite."""

    def _validated(self, value: Any) -> float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class StrictInteger(fields.Integer):
    """A JSON integer (`7` or `7.0`), never a string or a boolean."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


def share(default: float, description: str) -> StrictFloat:
    """A share between 0 and 1."""
    return StrictFloat(
        load_default=default,
        validate=validate.Range(min=0, max=1),
        metadata={"description": description},
    )


class PolicyDocumentSchema(Schema):
    """A site's policy: how its comments are decided."""

    class Meta:
        unknown = RAISE

    moderation_mode = fields.String(
        load_default=PolicyDefaults.MODERATION_MODE,
        validate=validate.OneOf(ModerationMode.ALL),
        metadata={"description": "`post`: the classifier may publish; `pre`: a person must."},
    )
    auto_approve_below = share(
        PolicyDefaults.AUTO_APPROVE_BELOW, "Publish a comment scoring below this (post only)."
    )
    auto_reject_above = share(
        PolicyDefaults.AUTO_REJECT_ABOVE, "Reject a comment scoring this or more."
    )
    hold_unfamiliar_below = share(
        PolicyDefaults.HOLD_UNFAMILIAR_BELOW,
        "Hold a comment with a smaller share of words the classifier knows (0: never).",
    )
    close_after_days = StrictInteger(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_CLOSE_AFTER_DAYS),
        metadata={"description": "Refuse comments this many days after an article's first one."},
    )

    @validates_schema
    def check_thresholds(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """The approve threshold cannot be above the reject threshold."""
        if data["auto_approve_below"] > data["auto_reject_above"]:
            raise ValidationError(
                "Must not be greater than auto_reject_above.", field_name="auto_approve_below"
            )


policy_document_schema = PolicyDocumentSchema()


def load_policy_document(data: Any) -> dict[str, Any]:
    """The complete, valid document from `data`, or InvalidInput naming each bad field."""
    if not isinstance(data, dict):
        raise InvalidInput("A policy is a JSON object.", fields={"_schema": "Expected an object."})
    try:
        document = policy_document_schema.load(data)
    except ValidationError as error:
        fields = first_messages(error.messages)
        message = "Invalid policy: " + "; ".join(f"{k}: {v}" for k, v in fields.items())
        raise InvalidInput(message, fields=fields) from error
    return {key: document[key] for key in POLICY_KEYS}


def first_messages(messages: Any) -> dict[str, str]:
    """One message per field, from marshmallow's lists."""
    if not isinstance(messages, dict):
        return {"_schema": str(messages)}
    return {
        str(field): str(value[0] if isinstance(value, list) and value else value)
        for field, value in messages.items()
    }
