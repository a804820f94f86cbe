"""Reading the forms and query strings of the detail, author and dashboard pages.

Like forms.py: one marshmallow schema per form; a bad value is an InvalidInput (a 422 page).
"""

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from service.errors import InvalidInput
from service.moderation.review.authors import AuthorKey
from service.web.presenting import REJECT_REASONS

ACTIONS = ("approve", "reject")
MAX_DASHBOARD_DAYS = 366


class PageSchema(Schema):
    """Unknown fields (the CSRF token, cache-busters) are ignored; blanks are "not set"."""

    class Meta:
        unknown = EXCLUDE


class DecisionFormSchema(PageSchema):
    """The detail page's decision: approve or reject (with a reason) the version shown."""

    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    reason = fields.String(load_default=None, validate=validate.OneOf(REJECT_REASONS))
    note = fields.String(load_default=None, validate=validate.Length(max=1000))
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))

    @validates_schema
    def check_reason(self, data: dict[str, Any], **_: Any) -> None:
        """A rejection needs its reason."""
        if data.get("action") == "reject" and data.get("reason") is None:
            raise ValidationError("Pick a reason.", "reason")


class UndoFormSchema(PageSchema):
    """The detail page's undo: the version the moderator's decision produced."""

    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class AuthorArgsSchema(PageSchema):
    """An author by e-mail or by IP."""

    email = fields.String(load_default=None, validate=validate.Length(min=1, max=254))
    ip = fields.String(load_default=None, validate=validate.Length(min=1, max=45))

    @validates_schema
    def check_one_key(self, data: dict[str, Any], **_: Any) -> None:
        """Exactly one of e-mail and IP."""
        if (data.get("email") is None) == (data.get("ip") is None):
            raise ValidationError("Give either an e-mail address or an IP.", "email")


class AuthorDecisionFormSchema(AuthorArgsSchema):
    """Decide all of an author's pending comments."""

    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    reason = fields.String(load_default=None, validate=validate.OneOf(REJECT_REASONS))
    back = fields.String(load_default=None, validate=validate.Length(max=500))

    @validates_schema
    def check_reason(self, data: dict[str, Any], **_: Any) -> None:
        """A rejection needs its reason."""
        if data.get("action") == "reject" and data.get("reason") is None:
            raise ValidationError("Pick a reason.", "reason")


class DashboardArgsSchema(PageSchema):
    """One site (slug) or all, over how many days."""

    site = fields.String(load_default=None, validate=validate.Length(max=80))
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=MAX_DASHBOARD_DAYS))


def load(schema: Schema, source: Any) -> dict[str, Any]:
    """A form or query string through `schema`, blank fields left out; InvalidInput if bad."""
    data = {key: value for key, value in source.items() if str(value).strip()}
    try:
        result = schema.load(data)
    except ValidationError as error:
        raise InvalidInput(
            fields={k: str(v) for k, v in error.normalized_messages().items()}
        ) from error
    return dict(result)


def author_key(args: dict[str, Any]) -> AuthorKey:
    """The author named by loaded `email` or `ip`."""
    return AuthorKey(email=args.get("email"), ip=args.get("ip"))


def note_of(args: dict[str, Any]) -> str | None:
    """The optional note, trimmed."""
    text = (args.get("note") or "").strip()
    return text or None


decision_form_schema = DecisionFormSchema()
undo_form_schema = UndoFormSchema()
author_args_schema = AuthorArgsSchema()
author_decision_form_schema = AuthorDecisionFormSchema()
dashboard_args_schema = DashboardArgsSchema()
