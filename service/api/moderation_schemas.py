"""Schemas of the moderators' workflow: reversals, bulk decisions, authors, the dashboard and
the queue's counts. Like schemas.py: load schemas whitelist input, dump schemas choose what is
shown."""

from typing import Any, ClassVar

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from models import INTEGER_MAX, CommentStatus
from service.api.schemas import (
    MAX_PAGE_SIZE,
    REJECT_REASONS,
    AnswerSchema,
    CleanString,
    DecisionSchema,
    JsonInteger,
    ModeratorCommentSchema,
    QueueFilterArgsSchema,
    optional_string,
)


def status_counts_field() -> fields.Dict:
    """Comments per status, every status present (the description names them)."""
    statuses = sorted(CommentStatus.ALL)
    return fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={
            "properties": {status: {"type": "integer", "minimum": 0} for status in statuses},
            "required": statuses,
        },
    )


class ReversalSchema(DecisionSchema):
    """The body of a reversal: the reason, when it rejects (default "other")."""

    reason = CleanString(load_default=None, validate=validate.OneOf(REJECT_REASONS))


DECISION_ACTIONS = {"approve": CommentStatus.APPROVED, "reject": CommentStatus.REJECTED}
MAX_BULK_ITEMS = 1000
MAX_DASHBOARD_DAYS = 366


class ActionSchema(Schema):
    """An action on many comments: approve, or reject with a reason; an optional note."""

    # check_reason, for the OpenAPI description (spec.py adds it to this schema's).
    openapi_constraints: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"action": {"const": "reject"}}, "required": ["action"]},
        "then": {"properties": {"reason": {"type": "string"}}, "required": ["reason"]},
    }

    action = CleanString(required=True, validate=validate.OneOf(DECISION_ACTIONS))
    reason = CleanString(load_default=None, validate=validate.OneOf(REJECT_REASONS))
    note = optional_string(2000)

    @validates_schema
    def check_reason(self, data: dict[str, Any], **_: Any) -> None:
        """A rejection needs its reason."""
        if data.get("action") == "reject" and data.get("reason") is None:
            raise ValidationError("Required to reject.", "reason")


class BulkTargetSchema(Schema):
    """One comment of a bulk decision, with the version (ETag number) the moderator saw."""

    # JSON integers: `7.0` is one too (JSON and JSON Schema do not tell it from `7`).
    id = JsonInteger(required=True, validate=validate.Range(min=1, max=INTEGER_MAX))
    version = JsonInteger(load_default=None, validate=validate.Range(min=1, max=INTEGER_MAX))


class BulkFilterSchema(QueueFilterArgsSchema):
    """The queue filter of a bulk decision, in a JSON body (unknown fields refused)."""

    class Meta:
        unknown = RAISE

    status = CleanString(
        load_default=CommentStatus.PENDING, validate=validate.OneOf(CommentStatus.ALL)
    )


class BulkDecisionSchema(ActionSchema):
    """POST /moderation/bulk: `items` (ids with versions) or `filter`, one of the two."""

    openapi_constraints: ClassVar[dict[str, Any]] = {
        "oneOf": [{"required": ["items"]}, {"required": ["filter"]}]
    }

    items = fields.List(
        fields.Nested(BulkTargetSchema), validate=validate.Length(min=1, max=MAX_BULK_ITEMS)
    )
    filter = fields.Nested(BulkFilterSchema)

    @validates_schema
    def check_one_selection(self, data: dict[str, Any], **_: Any) -> None:
        """Exactly one way to select the comments."""
        if ("items" in data) == ("filter" in data):
            raise ValidationError("Send either items or filter.", "items")


class BulkResultSchema(AnswerSchema):
    """What a bulk decision did."""

    decided = fields.Integer(attribute="decided_count")
    conflicts = fields.Integer(attribute="conflict_count")
    decided_ids = fields.List(fields.Integer(), attribute="decided")
    conflict_ids = fields.List(fields.Integer(), attribute="conflicts")
    not_found_ids = fields.List(fields.Integer(), attribute="not_found")
    more = fields.Boolean()


class AuthorArgsSchema(Schema):
    """An author, by e-mail or by IP, optionally on one site."""

    class Meta:
        unknown = EXCLUDE

    # check_one_key, for a body (query parameters cannot say it: their descriptions do).
    openapi_constraints: ClassVar[dict[str, Any]] = {
        "oneOf": [
            {"properties": {key: {"type": "string"}}, "required": [key]} for key in ("email", "ip")
        ]
    }

    email = CleanString(
        load_default=None,
        validate=validate.Length(min=1, max=254),
        metadata={"description": "The author's e-mail address, exactly as stored; or `ip`."},
    )
    ip = CleanString(
        load_default=None,
        validate=validate.Length(min=1, max=45),
        metadata={"description": "The author's IP address, exactly as stored; or `email`."},
    )
    site = CleanString(load_default=None, validate=validate.Length(max=80))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))

    @validates_schema
    def check_one_key(self, data: dict[str, Any], **_: Any) -> None:
        """Exactly one of e-mail and IP."""
        if (data.get("email") is None) == (data.get("ip") is None):
            raise ValidationError("Give either email or ip.", "email")


class AuthorDecisionSchema(ActionSchema, AuthorArgsSchema):
    """POST /moderation/authors/decide: decide all of an author's pending comments."""

    class Meta:
        unknown = RAISE


class DashboardArgsSchema(Schema):
    """One site (slug) or all, over how many days."""

    class Meta:
        unknown = EXCLUDE

    site = CleanString(load_default=None, validate=validate.Length(max=80))
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=MAX_DASHBOARD_DAYS))


class SourceDaySchema(AnswerSchema):
    """One source's decisions on one day."""

    day = fields.Date()
    source = fields.String()
    approved = fields.Integer()
    rejected = fields.Integer()
    held = fields.Integer()


class SpamDaySchema(AnswerSchema):
    """First decisions on one day and the share rejected."""

    day = fields.Date()
    approved = fields.Integer()
    rejected = fields.Integer()
    rate = fields.Float(allow_none=True)


class AccuracyDaySchema(AnswerSchema):
    """Moderators' verdicts on one classifier version's decisions, on one day."""

    day = fields.Date()
    classifier_version = fields.String(allow_none=True)
    missed_spam = fields.Integer()
    false_positives = fields.Integer()
    confirmed = fields.Integer()


class DashboardSchema(AnswerSchema):
    """The dashboard's figures (service/moderation/reporting/stats.py)."""

    site = fields.String(allow_none=True)
    days = fields.List(fields.Date())
    queue_size = fields.Integer()
    queued = fields.Integer()
    oldest_pending_at = fields.DateTime(allow_none=True)
    oldest_pending_age_seconds = fields.Method("oldest_age", metadata={"type": ["number", "null"]})
    spam_rate = fields.Float(allow_none=True)
    missed_spam = fields.Integer()
    false_positives = fields.Integer()
    decisions = fields.List(fields.Nested(SourceDaySchema))
    spam = fields.List(fields.Nested(SpamDaySchema))
    accuracy = fields.List(fields.Nested(AccuracyDaySchema))

    def oldest_age(self, dashboard: Any) -> float | None:
        """Seconds the oldest pending comment has waited."""
        age = dashboard.oldest_pending_age
        return round(age.total_seconds(), 1) if age is not None else None


class StatusCountsSchema(AnswerSchema):
    """Comments per status for a filter; a count equal to `cap`, or of a status listed in
    `at_least`, means at least that many."""

    counts = status_counts_field()
    cap = fields.Integer()
    # The statuses whose count is a lower bound.
    at_least = fields.Method(
        "sorted_at_least", metadata={"type": "array", "items": {"type": "string"}}
    )

    def sorted_at_least(self, counts: Any) -> list[str]:
        """The statuses counted only in part, in a stable order."""
        return sorted(counts.at_least)


class AuthorRecordSchema(AnswerSchema):
    """An author's record (rendered by the view, with the page dumper for `recent`)."""

    email = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    counts = status_counts_field()
    recent = fields.List(fields.Nested(ModeratorCommentSchema))


class ThreadSchema(AnswerSchema):
    """A comment with its parent and its replies (rendered by the view)."""

    comment = fields.Nested(ModeratorCommentSchema)
    parent = fields.Nested(ModeratorCommentSchema, allow_none=True)  # null for a top-level one
    replies = fields.List(fields.Nested(ModeratorCommentSchema))


reversal_schema = ReversalSchema()
status_counts_schema = StatusCountsSchema()
bulk_decision_schema = BulkDecisionSchema()
bulk_result_schema = BulkResultSchema()
author_args_schema = AuthorArgsSchema()
author_decision_schema = AuthorDecisionSchema()
dashboard_args_schema = DashboardArgsSchema()
dashboard_schema = DashboardSchema()
