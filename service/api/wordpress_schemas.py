"""Request and response schemas of the WordPress plugin's reports."""

from marshmallow import Schema, fields, validate

from models import INTEGER_MAX, CommentStatus
from service.api.schemas import AnswerSchema, CleanString, JsonInteger
from service.moderation.review.wordpress_sync import WordPressStatus


class WordPressDecisionCreateSchema(Schema):
    """A status change a person made in WordPress; unknown fields are refused."""

    guid = CleanString(
        required=True, validate=validate.Length(min=1, max=36),
        metadata={"description": "The X-akismet-guid Moderato answered when it checked it."},
    )  # fmt: skip
    status = CleanString(
        required=True, validate=validate.OneOf(WordPressStatus.ALL),
        metadata={"description": "The comment's new status in WordPress."},
    )  # fmt: skip
    user = CleanString(
        load_default=None, allow_none=True, validate=validate.Length(max=100),
        metadata={"description": "The WordPress login of the person who made the change."},
    )  # fmt: skip
    version = JsonInteger(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=INTEGER_MAX),
        metadata={"description": "The comment's version WordPress last had from Moderato."},
    )  # fmt: skip


class WordPressDecisionSchema(AnswerSchema):
    """The comment as the report left it."""

    comment_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(CommentStatus.ALL))
    reason = fields.String(allow_none=True)
    version = fields.Integer(metadata={"description": "The comment's version after the change."})


wordpress_decision_create_schema = WordPressDecisionCreateSchema()
wordpress_decision_schema = WordPressDecisionSchema()
