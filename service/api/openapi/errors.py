"""The error answers in the OpenAPI description: service/api/errors.py's one error shape, and
the codes each status carries.

The codes are collected from the error classes (service/errors.py's domain errors by their
status, the API's request errors, the HTTP errors), so a new error class there shows up
without a list to keep in step. They are listed in each answer's description rather than as
an `enum`: a domain error defined in another package would otherwise break every client that
validates answers strictly, and the set would depend on which modules happen to be imported.
"""

from collections import defaultdict
from typing import Any

from service import errors as domain_errors
from service.api.errors import HTTP_CODES, RequestError, status_of_kind
from service.errors import DomainError

# What each status means for this API (the error table of docs/api.md, shortened).
MEANINGS = {
    400: "The body is not valid JSON (`NaN` and `Infinity` are not JSON), or nests arrays and "
    "objects more than 32 deep.",
    401: "No bearer key, or an unknown one.",
    403: "A key of the wrong kind, or a `site` you do not moderate.",
    404: "No such resource: no such comment, another site's comment, or an id outside "
    "1-2,147,483,647.",
    405: "This method is not allowed on this resource.",
    409: "The request conflicts with the current state: the comment is already in that state, "
    "or another request with the same `Idempotency-Key` keeps taking it (retry).",
    412: "`If-Match` is stale, or names no version of this comment.",
    413: "The body is larger than 64 KiB.",
    414: "The URL is too long.",
    415: "The body is not `application/json`.",
    417: "The only expectation supported is 100-continue.",
    422: "Invalid or unknown fields; `fields` names each one. Or an `Idempotency-Key` used "
    "before with a different body (`idempotency_key_reused`).",
    431: "The request's header fields are too many or too large.",
    500: "An internal error (never with its details).",
    503: "The database is unavailable: retry after `Retry-After` seconds.",
}
HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer`."}},
    503: {
        "Retry-After": {
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
            "description": "Seconds to wait before retrying.",
        }
    },
}


def error_codes_by_status() -> dict[int, list[str]]:
    """Every error code of service/errors.py, the API's request errors and the HTTP errors,
    by HTTP status."""
    codes: defaultdict[int, set[str]] = defaultdict(set)
    for value in vars(domain_errors).values():
        if isinstance(value, type) and issubclass(value, DomainError):
            codes[status_of_kind(value)].add(value.code)
    request_errors: list[type[RequestError]] = [RequestError, *RequestError.__subclasses__()]
    for request_error in request_errors:
        codes[request_error.status].add(request_error.code)
    for status, code in HTTP_CODES.items():
        codes[status].add(code)
    return {status: sorted(codes[status]) for status in sorted(codes)}


def error_schema(codes: list[str] | None = None) -> dict[str, Any]:
    """The one error shape; with `codes`, only those codes."""
    code: dict[str, Any] = {"type": "string", "minLength": 1}
    if codes:
        code["enum"] = codes
    return {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "additionalProperties": False,
                "properties": {
                    "code": code,
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "description": "One message per invalid field (422), else empty.",
                        "additionalProperties": {"type": "string"},
                    },
                },
            }
        },
    }


def error_response_component(status: int, codes: list[str]) -> dict[str, Any]:
    """The response object of one error status."""
    listed = ", ".join(f"`{code}`" for code in codes)
    component: dict[str, Any] = {
        "description": f"{MEANINGS.get(status, 'An error.')} Codes: {listed}.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if status in HEADERS:
        component["headers"] = HEADERS[status]
    return component
