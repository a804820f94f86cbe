"""Request and response schemas. Load schemas whitelist input; dump schemas choose what each
kind of caller may see."""

import re
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from models import INTEGER_MAX, CommentStatus

REJECT_REASONS = ("spam", "abuse", "off_topic", "illegal", "other")
QUEUE_ORDERS = ("oldest", "newest", "score")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


# NUL and the other C0 controls except tab, line feed and carriage return; and UTF-16
# surrogates, which JSON can spell (`"\ud800"`) but no database encoding can store.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
SURROGATES = re.compile("[\ud800-\udfff]")


class CleanString(fields.String):
    """A string trimmed of surrounding white space, refusing control characters and lone
    surrogates.

    PostgreSQL cannot store NUL or a lone surrogate in text, and control characters in a
    comment are never legitimate; refusing them here turns a would-be 500 into a clear 422.
    """

    default_error_messages = {
        "control": "Must not contain control characters.",
        "surrogate": "Must not contain unpaired surrogates (not valid Unicode).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        # Checked before the trim: `str.strip` also removes a leading or trailing vertical
        # tab or form feed, which the published pattern (and the contract) refuse anywhere.
        if CONTROL_CHARACTERS.search(text):
            raise self.make_error("control")
        if SURROGATES.search(text):
            raise self.make_error("surrogate")
        return text.strip()


class CleanUrl(CleanString, fields.Url):
    """A URL, checked for control characters and surrogates before its syntax."""


class CleanEmail(CleanString, fields.Email):
    """An e-mail address, checked for control characters and surrogates before its syntax."""


class IPAddressString(fields.IP):
    """An IPv4 or IPv6 address, validated and kept as its canonical text form."""

    # Returning text instead of an ipaddress object is the point of this field.
    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs))


class JsonInteger(fields.Integer):
    """A JSON integer: a number with no fractional part, `7` or `7.0` alike (JSON, and JSON
    Schema's `integer`, do not tell them apart; Python's parser does). Never a string or a
    boolean."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


def optional_string(max_length: int) -> CleanString:
    """An optional, nullable, bounded string field."""
    return CleanString(load_default=None, allow_none=True, validate=validate.Length(max=max_length))


def optional_url() -> CleanUrl:
    """An optional http(s) URL."""
    return CleanUrl(
        load_default=None,
        allow_none=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=2048),
    )


class CommentCreateSchema(Schema):
    """The body of POST /api/v1/comments; unknown fields are refused."""

    article_id = CleanString(required=True, validate=validate.Length(min=1, max=255))
    article_url = optional_url()
    article_title = optional_string(500)
    author_name = CleanString(required=True, validate=validate.Length(min=1, max=100))
    author_email = CleanEmail(load_default=None, allow_none=True, validate=validate.Length(max=254))
    author_url = optional_url()
    body = CleanString(required=True, validate=validate.Length(min=1, max=10_000))
    parent_id = JsonInteger(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=INTEGER_MAX)
    )
    author_ip = IPAddressString(load_default=None, allow_none=True)
    user_agent = optional_string(512)
    referrer = optional_string(2048)
    language = optional_string(35)


class DecisionSchema(Schema):
    """The body of an approve: an optional note."""

    note = optional_string(2000)


class RejectionSchema(DecisionSchema):
    """The body of a reject: a reason is required."""

    reason = CleanString(required=True, validate=validate.OneOf(REJECT_REASONS))


def score_field(description: str = "") -> fields.Float:
    """An optional spam score bound, 0 to 1."""
    return fields.Float(
        load_default=None,
        allow_nan=False,
        validate=validate.Range(min=0.0, max=1.0),
        metadata={"description": description} if description else {},
    )


class PageArgsSchema(Schema):
    """Cursor pagination arguments."""

    class Meta:
        unknown = EXCLUDE  # query strings carry cache-busters and tracking params; ignore them

    limit = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )
    cursor = CleanString(load_default=None)


class ArticlePathSchema(Schema):
    """The article id in a path (/articles/<article_id>/comments), checked like one in a body."""

    article_id = CleanString(required=True, validate=validate.Length(min=1, max=255))


class ArticlePageArgsSchema(PageArgsSchema, ArticlePathSchema):
    """A page of an article's comments: the article id from the path, the rest from the query."""


class QueueFilterArgsSchema(Schema):
    """The review queue's filters, as the listing, the counts and bulk decisions take them."""

    class Meta:
        unknown = EXCLUDE  # query strings carry cache-busters and tracking params; ignore them

    article_id = CleanString(load_default=None, validate=validate.Length(max=255))
    site = CleanString(load_default=None, validate=validate.Length(max=80))
    classifier_version = CleanString(load_default=None, validate=validate.Length(max=64))
    min_score = score_field("At most `max_score`.")
    max_score = score_field()
    search = CleanString(data_key="q", load_default=None, validate=validate.Length(max=200))

    @validates_schema
    def check_score_range(self, data: dict[str, Any], **_: Any) -> None:
        """A score range must not be empty."""
        low, high = data.get("min_score"), data.get("max_score")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not be above max_score.", "min_score")


class QueueArgsSchema(PageArgsSchema, QueueFilterArgsSchema):
    """Filters, order and page of the moderation queue."""

    class Meta:
        unknown = EXCLUDE

    status = CleanString(
        load_default=CommentStatus.PENDING, validate=validate.OneOf(CommentStatus.ALL)
    )
    order = CleanString(load_default="oldest", validate=validate.OneOf(QUEUE_ORDERS))


class AnswerSchema(Schema):
    """A schema of answers: every field is always in them (the OpenAPI description says so)."""


class CommentSchema(AnswerSchema):
    """A comment as a site sees it: no reader's private data."""

    id = fields.Integer()
    site = fields.String(attribute="site_slug")
    article_id = fields.String()
    parent_id = fields.Integer(allow_none=True)
    author_name = fields.String()
    author_url = fields.String(allow_none=True)
    body = fields.String()
    status = fields.String()
    spam_score = fields.Float(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


def explanation_field() -> fields.Dict:
    """The classifier's explanation, as stored: a plain dict, described for the OpenAPI."""
    item = {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["word", "domain", "signal"]},
            "text": {"type": "string", "description": "The word or the link's domain."},
            "name": {
                "type": "string",
                "description": "A signal's name: links, youtube_link, spam_phrases, ham_phrases,"
                " capitals, repeated_characters, digits, phone_numbers, emoji,"
                " exclamation_marks or length.",
            },
            "weight": {"type": "number", "description": "Its push on the log-odds of spam."},
            "feature": {
                "type": "string",
                "description": 'Comments scored before kinds existed: "word: x", "url domain: x",'
                ' "length", ...',
            },
        },
    }
    side = {"type": "array", "items": item, "maxItems": 5}
    return fields.Dict(
        allow_none=True,
        metadata={
            "description": "What pushed the score: under spam the items towards spam (positive"
            " weights), under ham those towards legitimate (negative), strongest first. Each is"
            " a word of the text, a link's domain or a named signal.",
            "properties": {"spam": side, "ham": side},
            "example": {
                "spam": [
                    {"kind": "word", "text": "gratis", "weight": 1.7},
                    {"kind": "domain", "text": "bit.ly", "weight": 0.9},
                    {"kind": "signal", "name": "links", "weight": 0.4},
                ],
                "ham": [{"kind": "signal", "name": "length", "weight": -0.3}],
            },
        },
    )


class ModeratorCommentSchema(CommentSchema):
    """A comment as a moderator sees it: contact details, client data and the explanation."""

    article_url = fields.String(allow_none=True)
    article_title = fields.String(allow_none=True)
    author_email = fields.String(allow_none=True)
    author_ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    referrer = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    classifier_version = fields.String(allow_none=True)
    explanation = explanation_field()


class ModerationEventSchema(AnswerSchema):
    """One entry of a comment's audit trail."""

    id = fields.Integer()
    created_at = fields.DateTime()
    actor = fields.String()  # the display name
    actor_kind = fields.String()  # moderator, classifier or rule
    actor_id = fields.Integer(allow_none=True)  # the moderator's id
    from_status = fields.String()
    to_status = fields.String()
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    score = fields.Float(allow_none=True)
    classifier_version = fields.String(allow_none=True)
    explanation = explanation_field()


class CommentPageSchema(AnswerSchema):
    """A page of comments as a site sees them (rendered by responses.page_response)."""

    items = fields.List(fields.Nested(CommentSchema))
    next_cursor = fields.String(allow_none=True)  # null on the last page


class ModeratorCommentPageSchema(AnswerSchema):
    """A page of the review queue."""

    items = fields.List(fields.Nested(ModeratorCommentSchema))
    next_cursor = fields.String(allow_none=True)


class HistorySchema(AnswerSchema):
    """A comment's audit trail, oldest first."""

    items = fields.List(fields.Nested(ModerationEventSchema))


comment_create_schema = CommentCreateSchema()
decision_schema = DecisionSchema()
rejection_schema = RejectionSchema()
article_page_args_schema = ArticlePageArgsSchema()
queue_args_schema = QueueArgsSchema()
queue_filter_args_schema = QueueFilterArgsSchema()
comment_schema = CommentSchema()
comments_schema = CommentSchema(many=True)
moderator_comment_schema = ModeratorCommentSchema()
moderator_comments_schema = ModeratorCommentSchema(many=True)
events_schema = ModerationEventSchema(many=True)


def load_or_raise(schema: Schema, data: Any) -> dict[str, Any]:
    """`schema.load` typed as a dict; a ValidationError becomes a 422 upstream."""
    result = schema.load(data)
    if not isinstance(result, dict):  # pragma: no cover - our schemas always load dicts
        raise ValidationError("Expected an object.")
    return result
