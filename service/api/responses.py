"""Writing responses: the right schema for the caller, ETags, pages."""

from typing import Any

from flask import Response, jsonify, url_for

from service.accounts.auth import Principal
from service.api.dumping import FlatDumper
from service.api.requests import etag_for
from service.api.responses_types import CommentLike
from service.api.schemas import comment_schema, moderator_comment_schema
from service.pagination import Page

# Pages of up to 100 comments: the costliest thing the API renders (service/api/dumping.py).
SITE_PAGE = FlatDumper(comment_schema)
MODERATOR_PAGE = FlatDumper(moderator_comment_schema)


def comment_response(
    comment: CommentLike, principal: Principal, status: int = 200, *, location: bool = False
) -> tuple[Response, int]:
    """One comment, as this caller may see it, with its ETag."""
    schema = moderator_comment_schema if principal.moderator is not None else comment_schema
    response = jsonify(schema.dump(comment))
    response.set_etag(etag_for(comment))
    response.vary.add("Authorization")  # sites and moderators see different fields
    if location:
        response.headers["Location"] = url_for("api.comments.get_comment", comment_id=comment.id)
    return response, status


def page_response(page: Page, principal: Principal) -> dict[str, Any]:
    """A page of comments as `{"items": [...], "next_cursor": ...}`."""
    dumper = MODERATOR_PAGE if principal.moderator is not None else SITE_PAGE
    if page.columns is not None:
        items = dumper.dump_rows(page.items, page.columns)
    else:
        items = dumper.dump_many(page.items)
    return {"items": items, "next_cursor": page.next_cursor}
