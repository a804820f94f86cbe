"""Writing responses: the right schema for the caller, ETags, pages."""

from typing import Any

from flask import Response, jsonify, url_for

from service.accounts.auth import Principal
from service.api.dumping import FlatDumper
from service.api.requests import etag_for
from service.api.responses_types import CommentLike
from service.api.schemas import comment_schema, moderator_comment_schema
from service.pagination import Page

# Comments dumped without marshmallow's generic path (service/api/dumping.py): pages of up to
# 100 of them are the costliest thing the API renders, and one is most of intake's answer.
SITE_PAGE = FlatDumper(comment_schema)
MODERATOR_PAGE = FlatDumper(moderator_comment_schema)


def comment_response(
    comment: CommentLike, principal: Principal, status: int = 200, *, location: bool = False
) -> tuple[Response, int]:
    """One comment, as this caller may see it, with its ETag."""
    dumper = MODERATOR_PAGE if principal.moderator is not None else SITE_PAGE
    response = jsonify(dumper.dump(comment))
    response.set_etag(etag_for(comment))
    response.vary.add("Authorization")  # sites and moderators see different fields
    if location:
        response.headers["Location"] = url_for("api.comments.get_comment", comment_id=comment.id)
    return response, status


def page_response(page: Page, principal: Principal) -> dict[str, Any]:
    """A page of comments as `{"items": [...], "next_cursor": ...}`."""
    dumper = MODERATOR_PAGE if principal.moderator is not None else SITE_PAGE
    return {"items": dumper.dump_many(page.items), "next_cursor": page.next_cursor}
