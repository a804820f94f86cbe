"""Reading the Settings page's form: text fields to a policy document, and each field's error
in the moderator's language.

The document is then validated by the one policy schema (service/accounts/policy_document.py);
this only turns form text into JSON values, and the schema's English messages into a line a
moderator can act on.
"""

from typing import Any

from flask_babel import gettext
from marshmallow import EXCLUDE, Schema, fields, validate
from werkzeug.datastructures import MultiDict

from models import ModerationMode
from service.accounts.policy_document import POLICY_KEYS

SHARES = ("auto_approve_below", "auto_reject_above", "hold_unfamiliar_below")


def read_policy_form(form: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The document the form describes, and the fields whose text is not even a number."""
    document: dict[str, Any] = {"moderation_mode": form.get("moderation_mode", "").strip()}
    errors: dict[str, str] = {}
    for key in SHARES:
        text = form.get(key, "").strip().replace(",", ".")  # Italians write 0,5
        try:
            document[key] = float(text)
        except ValueError:
            errors[key] = "Not a valid number."
    days = form.get("close_after_days", "").strip()
    if not days:
        document["close_after_days"] = None
    elif days.isdecimal() and days.isascii():
        document["close_after_days"] = int(days)
    else:
        errors["close_after_days"] = "Not a valid integer."
    return document, errors


def field_messages(errors: dict[str, str]) -> dict[str, str]:
    """Each field's error as the page says it, translated."""
    return {key: field_message(key, message) for key, message in errors.items()}


def field_message(key: str, message: str) -> str:
    """One field's error, translated."""
    if key == "moderation_mode":
        return gettext("Choose post-moderation or pre-moderation.")
    if key == "auto_approve_below" and "auto_reject_above" in message:
        return gettext("Must not be greater than the rejection threshold.")
    if key in SHARES:
        return gettext("Enter a number from 0 to 1, such as 0.25.")
    if key == "close_after_days":
        return gettext("Enter a whole number of days from 1 to 36500, or leave it empty.")
    return gettext("This setting is not valid.")


def form_values(document: dict[str, Any]) -> dict[str, str]:
    """A document as the form's text."""
    values = {key: "" if document.get(key) is None else str(document[key]) for key in POLICY_KEYS}
    return values


class ArticleFormSchema(Schema):
    """The article page's controls: closed, and the article's own moderation mode."""

    class Meta:
        unknown = EXCLUDE  # the CSRF token

    closed = fields.Boolean(load_default=False)
    moderation_mode = fields.String(
        load_default="", validate=validate.OneOf(("", *ModerationMode.ALL))
    )


class RestoreFormSchema(Schema):
    """The Settings page's restore button: the version to restore, and the one shown."""

    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    current = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


article_form_schema = ArticleFormSchema()
restore_form_schema = RestoreFormSchema()
