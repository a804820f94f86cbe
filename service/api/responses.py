"""Writing responses: the right schema for the caller, ETags, pages."""

from typing import Any

import orjson
from flask import Response, current_app, url_for

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
# The same for pages that orjson encodes: it writes an aware datetime exactly as marshmallow's
# DateTime field does (`isoformat()`; tests/unit/service/api/test_responses.py), faster.
ORJSON_PAGES = {
    "site": FlatDumper(comment_schema, datetimes=True),
    "moderator": FlatDumper(moderator_comment_schema, datetimes=True),
}


def comment_response(
    comment: CommentLike, principal: Principal, status: int = 200, *, location: bool = False
) -> tuple[Response, int]:
    """One comment, as this caller may see it, with its ETag. Encoded by orjson, as pages
    are: it answers every submission, and this takes 6 microseconds where `jsonify` took 13."""
    dumper = ORJSON_PAGES["moderator" if principal.moderator is not None else "site"]
    response = json_response(dumper.dump(comment))
    response.set_etag(etag_for(comment))
    response.vary.add("Authorization")  # sites and moderators see different fields
    if location:
        response.headers["Location"] = url_for("api.comments.get_comment", comment_id=comment.id)
    return response, status


def page_json(page: Page, principal: Principal) -> Response:
    """`page_response` as a JSON answer, encoded by orjson.

    The review queue's pages are the API's largest answers and its most requested ones;
    Flask's encoder (the standard library's, sorting keys and escaping non-ASCII) costs about
    ten times what orjson does on a page of 50 comments. The bytes keep Flask's form where it
    matters (keys sorted, a final newline); non-ASCII text is UTF-8 rather than escaped.
    """
    dumper = ORJSON_PAGES["moderator" if principal.moderator is not None else "site"]
    return json_response(page_document(page, dumper))


def json_response(document: dict[str, Any]) -> Response:
    """A JSON answer encoded by orjson, in Flask's form (keys sorted, a final newline)."""
    body = orjson.dumps(document, option=orjson.OPT_SORT_KEYS) + b"\n"
    return current_app.response_class(body, mimetype="application/json")


def page_response(page: Page, principal: Principal) -> dict[str, Any]:
    """A page of comments as `{"items": [...], "next_cursor": ...}`."""
    return page_document(page, MODERATOR_PAGE if principal.moderator is not None else SITE_PAGE)


def page_document(page: Page, dumper: FlatDumper) -> dict[str, Any]:
    """A page of comments dumped by `dumper`."""
    if page.columns is not None:
        items = dumper.dump_rows(page.items, page.columns)
    else:
        items = dumper.dump_many(page.items)
    return {"items": items, "next_cursor": page.next_cursor}
