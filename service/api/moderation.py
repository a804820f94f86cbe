"""Endpoints for moderators: the review queue, decisions (one, undo, reverse, bulk), the
audit trail and the thread."""

from flask import Blueprint, Response

from service.api.auth import current_moderator, current_principal, require
from service.api.moderation_schemas import (
    DECISION_ACTIONS,
    BulkDecisionSchema,
    BulkResultSchema,
    ReversalSchema,
    StatusCountsSchema,
    ThreadSchema,
    bulk_decision_schema,
    bulk_result_schema,
    reversal_schema,
    status_counts_schema,
)
from service.api.openapi.operations import IF_MATCH, Reply, documented
from service.api.requests import expected_version, json_body, query_args
from service.api.responses import MODERATOR_PAGE, comment_response, page_json
from service.api.schemas import (
    DecisionSchema,
    HistorySchema,
    ModeratorCommentPageSchema,
    ModeratorCommentSchema,
    QueueArgsSchema,
    QueueFilterArgsSchema,
    RejectionSchema,
    decision_schema,
    events_schema,
    load_or_raise,
    queue_args_schema,
    queue_filter_args_schema,
    rejection_schema,
)
from service.moderation.review import actions as moderation
from service.moderation.review import bulk, threads, undo
from service.moderation.review.bulk import Target
from service.moderation.review.filters import QueueFilter

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
def list_queue() -> Response:
    """Comments of the moderator's sites awaiting (or past) a decision."""
    principal = current_principal()
    args = load_or_raise(queue_args_schema, query_args())
    page = moderation.list_queue(current_moderator(), **args)
    return page_json(page, principal)


@bp.get("/queue/counts")
@require(moderator=True)
@documented(
    query=QueueFilterArgsSchema,
    replies={
        200: Reply(
            StatusCountsSchema,
            "Comments per status; a count equal to `cap`, or of a status in `at_least`, is a "
            "lower bound.",
        )
    },
    errors=(403,),
)
def count_queue() -> dict:
    """How many comments match the queue's filters, per status."""
    args = load_or_raise(queue_filter_args_schema, query_args())
    counts = moderation.count_queue(current_moderator(), QueueFilter(status=None, **args))
    return status_counts_schema.dump(counts)


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


@bp.post("/comments/<id:comment_id>/undo")
@require(moderator=True)
@documented(
    body=DecisionSchema,
    body_required=False,
    headers=(IF_MATCH,),
    replies={200: Reply(ModeratorCommentSchema, "The comment as the undo left it.", ("ETag",))},
    errors=(409, 412),
)
def undo_decision(comment_id: int) -> tuple[Response, int]:
    """Undo the caller's last decision on a comment (within 10 s); If-Match names it."""
    principal = current_principal()
    args = load_or_raise(decision_schema, json_body(required=False))
    comment = undo.undo_decision(
        comment_id,
        current_moderator(),
        note=args["note"],
        expected_version=expected_version(comment_id),
    )
    return comment_response(comment, principal)


@bp.post("/comments/<id:comment_id>/reverse")
@require(moderator=True)
@documented(
    body=ReversalSchema,
    body_required=False,
    headers=(IF_MATCH,),
    replies={200: DECIDED},
    errors=(409, 412),
)
def reverse_decision(comment_id: int) -> tuple[Response, int]:
    """Approve a rejected comment, or reject an approved one."""
    principal = current_principal()
    args = load_or_raise(reversal_schema, json_body(required=False))
    comment = undo.reverse_decision(
        comment_id,
        current_moderator(),
        reason=args["reason"],
        note=args["note"],
        expected_version=expected_version(comment_id),
    )
    return comment_response(comment, principal)


@bp.post("/bulk")
@require(moderator=True)
@documented(
    body=BulkDecisionSchema,
    replies={200: Reply(BulkResultSchema, "What was decided, and what was left as it was.")},
    errors=(403,),
)
def bulk_decide() -> dict:
    """Approve or reject listed comments (each with the version seen) or every match of a
    filter; reports how many were decided and how many had changed (conflicts)."""
    args = load_or_raise(bulk_decision_schema, json_body())
    to_status = DECISION_ACTIONS[args["action"]]
    decision = {"to_status": to_status, "reason": args["reason"], "note": args["note"]}
    if "items" in args:
        targets = [Target(item["id"], item["version"]) for item in args["items"]]
        result = bulk.bulk_decide(current_moderator(), targets, **decision)
    else:
        queue_filter = QueueFilter(**args["filter"])
        result = bulk.bulk_decide_matching(current_moderator(), queue_filter, **decision)
    return bulk_result_schema.dump(result)


@bp.get("/comments/<id:comment_id>/thread")
@require(moderator=True)
@documented(
    replies={200: Reply(ThreadSchema, "The comment, its parent (or null) and its replies.")}
)
def get_thread(comment_id: int) -> dict:
    """The comment with its parent and its replies."""
    thread = threads.get_thread(comment_id, current_moderator())
    return {
        "comment": MODERATOR_PAGE.dump(thread.comment),
        "parent": MODERATOR_PAGE.dump(thread.parent) if thread.parent is not None else None,
        "replies": MODERATOR_PAGE.dump_many(thread.replies),
    }


@bp.get("/comments/<id:comment_id>/history")
@require(moderator=True)
@documented(replies={200: Reply(HistorySchema, "One entry per status change, oldest first.")})
def get_history(comment_id: int) -> dict:
    """The audit trail of one comment."""
    events = moderation.get_history(comment_id, current_moderator())
    return {"items": events_schema.dump(events)}
