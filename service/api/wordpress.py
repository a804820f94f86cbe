"""The WordPress plugin's reports: decisions made in wp-admin, sent with the site's key."""

from flask import Blueprint

from service.api.auth import current_site, require
from service.api.openapi.operations import Reply, documented
from service.api.requests import json_body
from service.api.schemas import load_or_raise
from service.api.wordpress_schemas import (
    WordPressDecisionCreateSchema,
    WordPressDecisionSchema,
    wordpress_decision_create_schema,
    wordpress_decision_schema,
)
from service.moderation.review import wordpress_sync

bp = Blueprint("wordpress", __name__, url_prefix="/wordpress")


@bp.post("/decisions")
@require(site=True)
@documented(
    body=WordPressDecisionCreateSchema,
    replies={200: Reply(WordPressDecisionSchema, "The comment as the decision left it.")},
    errors=(404,),
)
def create_decision() -> dict:
    """Record a status change made in the site's WordPress as a decision by its user."""
    args = load_or_raise(wordpress_decision_create_schema, json_body())
    decided = wordpress_sync.record_wordpress_decision(
        current_site().id, args["guid"], args["status"], args["user"], args["version"]
    )
    return wordpress_decision_schema.dump(decided)
