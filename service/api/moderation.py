"""Endpoints for moderators: the review queue, decisions and the audit trail."""

from flask import Blueprint, Response

from service.api.auth import current_moderator, current_principal, require
from service.api.requests import expected_version, json_body, query_args
from service.api.responses import comment_response, page_response
from service.api.schemas import (
    decision_schema,
    events_schema,
    load_or_raise,
    queue_args_schema,
    queue_filter_args_schema,
    rejection_schema,
    reversal_schema,
    status_counts_schema,
)
from service.moderation import queue as moderation
from service.moderation import undo
from service.moderation.filters import QueueFilter

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.get("/queue")
@require(moderator=True)
def list_queue() -> dict:
    """Comments of the moderator's sites awaiting (or past) a decision."""
    principal = current_principal()
    args = load_or_raise(queue_args_schema, query_args())
    page = moderation.list_queue(current_moderator(), **args)
    return page_response(page, principal)


@bp.get("/queue/counts")
@require(moderator=True)
def count_queue() -> dict:
    """How many comments match the queue's filters, per status."""
    args = load_or_raise(queue_filter_args_schema, query_args())
    counts = moderation.count_queue(current_moderator(), QueueFilter(status=None, **args))
    return status_counts_schema.dump(counts)


@bp.post("/comments/<id:comment_id>/approve")
@require(moderator=True)
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


@bp.get("/comments/<id:comment_id>/history")
@require(moderator=True)
def get_history(comment_id: int) -> dict:
    """The audit trail of one comment."""
    events = moderation.get_history(comment_id, current_moderator())
    return {"items": events_schema.dump(events)}
