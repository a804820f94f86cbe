"""Schemas of a site's policy, its versions and its articles, as the API answers them.

The policy document itself is loaded by the one schema every entry point shares
(service/accounts/policy_document.py); these only describe answers and the article body.
"""

from typing import Any

from marshmallow import Schema, fields, validate

from models import ModerationMode, SitePolicyVersion
from service.accounts.policy_document import PolicyDocumentSchema
from service.api.schemas import AnswerSchema


class PolicySchema(AnswerSchema):
    """A site's policy in force, with its version and who saved it when."""

    moderation_mode = fields.String()
    auto_approve_below = fields.Float()
    auto_reject_above = fields.Float()
    hold_unfamiliar_below = fields.Float()
    close_after_days = fields.Integer(allow_none=True)
    version = fields.Integer()
    updated_at = fields.DateTime()
    updated_by = fields.String()


class PolicyVersionSchema(AnswerSchema):
    """One version of a site's policy: its document and what it changed."""

    version = fields.Integer()
    created_at = fields.DateTime()
    created_by = fields.String()
    document = fields.Dict(keys=fields.String())
    diff = fields.Dict(
        keys=fields.String(),
        metadata={"description": 'Each changed key: `{"before": ..., "after": ...}`.'},
    )


class PolicyVersionListSchema(AnswerSchema):
    """Every version of a site's policy, newest first."""

    items = fields.List(fields.Nested(PolicyVersionSchema))


class StrictBoolean(fields.Boolean):
    """`true` or `false`, nothing that merely looks like one."""

    truthy = {True}  # noqa: RUF012 - marshmallow's own class attributes
    falsy = {False}  # noqa: RUF012


class ArticleUpdateSchema(Schema):
    """The body of PUT /sites/<slug>/articles/<article_id>; a field left out keeps its value."""

    closed = StrictBoolean(metadata={"description": "Refuse new comments (409 article_closed)."})
    moderation_mode = fields.String(
        allow_none=True,
        validate=validate.OneOf(ModerationMode.ALL),
        metadata={"description": "The article's own mode; null: the site's."},
    )


class ArticleSchema(AnswerSchema):
    """An article's overrides."""

    site = fields.String(attribute="site_slug")
    article_id = fields.String()
    closed = fields.Boolean(metadata={"description": "Closed by hand."})
    moderation_mode = fields.String(allow_none=True)
    first_comment_at = fields.DateTime(allow_none=True)
    closes_at = fields.DateTime(
        allow_none=True, metadata={"description": "When the site's close_after_days closes it."}
    )
    updated_at = fields.DateTime(allow_none=True)
    updated_by = fields.String(allow_none=True)


def policy_document(version: SitePolicyVersion) -> dict[str, Any]:
    """A saved version as the policy answer: its document, version, time and author."""
    return {
        **version.document,
        "version": version.version,
        "updated_at": version.created_at,
        "updated_by": version.created_by,
    }


policy_schema = PolicySchema()
policy_versions_schema = PolicyVersionSchema(many=True)
article_update_schema = ArticleUpdateSchema()
article_schema = ArticleSchema()

__all__ = ["PolicyDocumentSchema"]
