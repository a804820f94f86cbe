"""Endpoints for moderators: the review queue, decisions and the audit trail."""

from flask import Blueprint, Response

from service.api.auth import current_moderator, current_principal, require
from service.api.openapi.operations import IF_MATCH, Reply, documented
from service.api.requests import expected_version, json_body, query_args
from service.api.responses import comment_response, page_response
from service.api.schemas import (
    DecisionSchema,
    HistorySchema,
    ModeratorCommentPageSchema,
    ModeratorCommentSchema,
    QueueArgsSchema,
    RejectionSchema,
    decision_schema,
    events_schema,
    load_or_raise,
    queue_args_schema,
    rejection_schema,
)
from service.moderation import queue as moderation

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


DECIDED = Reply(
    ModeratorCommentSchema,
    "The comment as this decision left it, with that version's ETag.",
    headers=("ETag",),
)


@bp.get("/queue")
@require(moderator=True)
@documented(
    query=QueueArgsSchema,
    replies={200: Reply(ModeratorCommentPageSchema, "A page of the moderator's comments.")},
    errors=(403,),
)
def list_queue() -> dict:
    """Comments of the moderator's sites awaiting (or past) a decision."""
    principal = current_principal()
    args = load_or_raise(queue_args_schema, query_args())
    page = moderation.list_queue(current_moderator(), **args)
    return page_response(page, principal)


@bp.post("/comments/<id:comment_id>/approve")
@require(moderator=True)
@documented(
    body=DecisionSchema,
    body_required=False,
    headers=(IF_MATCH,),
    replies={200: DECIDED},
    errors=(409, 412),
)
def approve_comment(comment_id: int) -> tuple[Response, int]:
    """Publish a comment."""
    principal = current_principal()
    args = load_or_raise(decision_schema, json_body(required=False))
    comment = moderation.approve_comment(
        comment_id,
        current_moderator(),
        note=args["note"],
        expected_version=expected_version(comment_id),
    )
    return comment_response(comment, principal)


@bp.post("/comments/<id:comment_id>/reject")
@require(moderator=True)
@documented(body=RejectionSchema, headers=(IF_MATCH,), replies={200: DECIDED}, errors=(409, 412))
def reject_comment(comment_id: int) -> tuple[Response, int]:
    """Reject a comment, with a reason."""
    principal = current_principal()
    args = load_or_raise(rejection_schema, json_body())
    comment = moderation.reject_comment(
        comment_id,
        current_moderator(),
        reason=args["reason"],
        note=args["note"],
        expected_version=expected_version(comment_id),
    )
    return comment_response(comment, principal)


@bp.get("/comments/<id:comment_id>/history")
@require(moderator=True)
@documented(replies={200: Reply(HistorySchema, "One entry per status change, oldest first.")})
def get_history(comment_id: int) -> dict:
    """The audit trail of one comment."""
    events = moderation.get_history(comment_id, current_moderator())
    return {"items": events_schema.dump(events)}
