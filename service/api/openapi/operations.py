"""`@documented(...)`: what a view takes and answers, declared beside the view.

The declaration is plain data kept on the view function; spec.py reads it when the OpenAPI
description is built. Most of an operation comes from elsewhere and is not repeated here:
the path and its parameters from the route, the keys it takes from `require(...)`, the
summary from the view's docstring, and the error answers every view can give (401 and 403
for keyed views, 400/413/415 for views with a body, 422, 500, 503...). A view names only its
success answers and the errors particular to it (`errors=(409, 412)`).

This is hand-written rather than apispec-webframeworks' FlaskPlugin because that plugin
reads YAML from docstrings: untyped, unchecked text (and PyYAML in the web process), where
these declarations name the marshmallow schemas themselves and mypy checks them.

    @bp.post("/comments")
    @require(site=True)
    @documented(
        body=CommentCreateSchema,
        headers=(IDEMPOTENCY_KEY,),
        replies={202: Reply(CommentSchema, "The comment, queued.", headers=("Location", "ETag"))},
        errors=(409,),
    )
    def create_comment(): ...
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from marshmallow import Schema

F = TypeVar("F", bound=Callable[..., Any])

# A marshmallow schema (class or instance), or a JSON Schema written out as a dict.
SchemaLike = type[Schema] | Schema | Mapping[str, Any]

OPERATION_ATTRIBUTE = "openapi_operation"

# Request headers a view may take (spec.py describes each once).
IF_MATCH = "If-Match"
IDEMPOTENCY_KEY = "Idempotency-Key"


@dataclass(frozen=True)
class Reply:
    """One answer of a view: its schema (a tuple: one of them, e.g. per kind of caller), what
    it means, and the response headers it sets (names spec.py describes)."""

    schema: SchemaLike | tuple[SchemaLike, ...] | None
    description: str
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    """Everything `documented` was told about a view."""

    replies: Mapping[int, Reply]
    body: SchemaLike | None = None
    body_required: bool = True
    query: SchemaLike | None = None
    path: SchemaLike | None = None
    headers: tuple[str, ...] = ()
    errors: tuple[int, ...] = ()


def documented(
    *,
    replies: Mapping[int, Reply],
    body: SchemaLike | None = None,
    body_required: bool = True,
    query: SchemaLike | None = None,
    path: SchemaLike | None = None,
    headers: tuple[str, ...] = (),
    errors: tuple[int, ...] = (),
) -> Callable[[F], F]:
    """Declare a view's OpenAPI operation.

    `body`: the JSON body's schema (`body_required=False` if an empty body is fine); `query`:
    a schema whose fields are the query parameters; `path`: a schema with a field for each
    path argument whose route converter does not say enough; `headers`: request headers it
    reads (IF_MATCH, IDEMPOTENCY_KEY); `errors`: error statuses particular to this view.
    """
    operation = Operation(
        replies=replies,
        body=body,
        body_required=body_required,
        query=query,
        path=path,
        headers=headers,
        errors=errors,
    )

    def decorator(view: F) -> F:
        setattr(view, OPERATION_ATTRIBUTE, operation)  # functools.wraps copies it outwards
        return view

    return decorator


def operation_of(view: Callable[..., Any]) -> Operation | None:
    """The operation declared on a view, if any."""
    operation = getattr(view, OPERATION_ATTRIBUTE, None)
    return operation if isinstance(operation, Operation) else None
