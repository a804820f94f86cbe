"""Endpoints for moderators: an author's record, and deciding all their pending comments."""

from flask import Blueprint

from service.api.auth import current_moderator, require
from service.api.moderation_schemas import (
    DECISION_ACTIONS,
    AuthorArgsSchema,
    AuthorDecisionSchema,
    AuthorRecordSchema,
    BulkResultSchema,
    author_args_schema,
    author_decision_schema,
    bulk_result_schema,
)
from service.api.openapi.operations import Reply, documented
from service.api.requests import json_body, query_args
from service.api.responses import MODERATOR_PAGE
from service.api.schemas import load_or_raise
from service.moderation.review import authors
from service.moderation.review.authors import AuthorKey

bp = Blueprint("authors", __name__, url_prefix="/moderation/authors")


@bp.get("")
@require(moderator=True)
@documented(
    query=AuthorArgsSchema,
    replies={
        200: Reply(
            AuthorRecordSchema,
            "The author's comments per status in your sites, and the latest, newest first.",
        )
    },
    errors=(403,),
)
def get_author_record() -> dict:
    """Counts per status and recent comments of an author, by e-mail or IP."""
    args = load_or_raise(author_args_schema, query_args())
    key = AuthorKey(email=args["email"], ip=args["ip"])
    record = authors.get_author_record(
        current_moderator(), key, site=args["site"], limit=args["limit"]
    )
    return {
        "email": key.email,
        "ip": key.ip,
        "counts": record.counts,
        "recent": MODERATOR_PAGE.dump_many(record.recent),
    }


@bp.post("/decide")
@require(moderator=True)
@documented(
    body=AuthorDecisionSchema,
    replies={200: Reply(BulkResultSchema, "What was decided, and what was left as it was.")},
    errors=(403,),
)
def decide_author_pending() -> dict:
    """Approve or reject all of an author's pending comments."""
    args = load_or_raise(author_decision_schema, json_body())
    result = authors.decide_author_pending(
        current_moderator(),
        AuthorKey(email=args["email"], ip=args["ip"]),
        to_status=DECISION_ACTIONS[args["action"]],
        reason=args["reason"],
        note=args["note"],
        site=args["site"],
    )
    return bulk_result_schema.dump(result)
