"""Endpoints for sites: submit comments and read them back."""

from flask import Blueprint, Response, g, request

from service.api.auth import current_principal, current_site, require
from service.api.headers import idempotency_key
from service.api.openapi.operations import IDEMPOTENCY_KEY, Reply, documented
from service.api.requests import json_body, query_args
from service.api.responses import comment_response, page_response
from service.api.schemas import (
    ArticlePathSchema,
    CommentCreateSchema,
    CommentPageSchema,
    CommentSchema,
    ModeratorCommentSchema,
    PageArgsSchema,
    article_page_args_schema,
    comment_create_schema,
    load_or_raise,
)
from service.metrics import definitions as metrics
from service.moderation.intake import submission as intake
from service.moderation.review import comments as reading

bp = Blueprint("comments", __name__)
CREATE_COMMENT = "api.comments.create_comment"


@bp.after_request
def count_refused_comments(response: Response) -> Response:
    """Count a refused submission by site and error code (after error handlers run too)."""
    if request.endpoint == CREATE_COMMENT and response.status_code >= 400:
        principal = g.get("principal")
        site = principal.site.slug if principal is not None and principal.site else ""
        reason = g.get("error_code", "http_error")
        metrics.COMMENTS_REFUSED.labels(site=site, reason=reason).inc()
    return response


@bp.post("/comments")
@require(site=True)
@documented(
    body=CommentCreateSchema,
    headers=(IDEMPOTENCY_KEY,),
    replies={
        202: Reply(
            CommentSchema,
            "The comment, stored and queued for classification (or the first answer again, "
            "for a retry with the same Idempotency-Key).",
            headers=("Location", "ETag"),
        )
    },
    errors=(409,),
)
def create_comment() -> tuple[Response, int]:
    """Accept a comment; it is stored before the 202 and classified by a worker. A retry with
    the same Idempotency-Key gets the first answer."""
    principal = current_principal()
    data = load_or_raise(comment_create_schema, json_body())
    comment = intake.submit_comment(current_site(), data, idempotency_key())
    return comment_response(comment, principal, 202, location=True)


@bp.get("/comments/<id:comment_id>")
@require(site=True, moderator=True)
@documented(
    replies={
        200: Reply(
            (CommentSchema, ModeratorCommentSchema),
            "The comment: moderators also see the reader's details and the explanation.",
            headers=("ETag",),
        )
    }
)
def get_comment(comment_id: int) -> tuple[Response, int]:
    """One comment of the caller's site(s)."""
    principal = current_principal()
    comment = reading.get_comment(comment_id, principal.site_ids)
    return comment_response(comment, principal)


@bp.get("/articles/<path:article_id>/comments")
@require(site=True)
@documented(
    path=ArticlePathSchema,
    query=PageArgsSchema,
    replies={200: Reply(CommentPageSchema, "A page of approved comments, oldest first.")},
)
def list_article_comments(article_id: str) -> dict:
    """The approved comments of an article, oldest first, for display under it."""
    principal = current_principal()
    # The article id from the path is checked like one in a body (no NUL, at most 255).
    args = load_or_raise(article_page_args_schema, {**query_args(), "article_id": article_id})
    page = reading.list_article_comments(
        current_site(), args["article_id"], args["limit"], args["cursor"]
    )
    return page_response(page, principal)
