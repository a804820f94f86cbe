"""The API's one error shape, {"error": {"code", "message", "fields"}}, for every failure.

Domain errors carry no HTTP status; this module is where the JSON API gives them one.
"""

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from service.database import UNAVAILABLE_ERRORS
from service.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleVersion,
    Unauthenticated,
)

logger = logging.getLogger(__name__)

# The status of each kind of domain error; the most specific class listed wins.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    StaleVersion: 412,
    InvalidInput: 422,
}


class RequestError(Exception):
    """A request the API cannot read (HTTP-level, so it carries its status)."""

    status, code, message = 400, "bad_request", "The request could not be understood."


class MalformedJson(RequestError):
    status, code, message = 400, "malformed_json", "The request body is not valid JSON."


class NotJson(RequestError):
    status, code, message = 415, "unsupported_media_type", "Send JSON (application/json)."


# Codes for the HTTP errors Werkzeug raises itself (routing, size limits, methods) and for
# those the WSGI servers answer before the app runs (service/serving).
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",  # a server layer's own refusal (a worker's metrics port)
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    417: "expectation_failed",
    429: "rate_limited",
    431: "header_fields_too_large",
    500: "internal_error",
    501: "not_implemented",
    503: "service_unavailable",
    505: "http_version_not_supported",
}
HTTP_MESSAGES = {
    404: "No such resource.",
    405: "This method is not allowed on this resource.",
    413: "The request body is larger than 64 KiB.",
    414: "The URL is too long.",
    417: "The only expectation supported is 100-continue.",
    431: "The request's header fields are too many or too large.",
    500: "An internal error occurred.",
}


DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable; try again shortly."


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error, by its nearest listed class."""
    return status_of_kind(type(error))


def status_of_kind(kind: type[DomainError]) -> int:
    """The HTTP status of a kind of domain error (the OpenAPI description lists them)."""
    for base in kind.__mro__:
        if base in DOMAIN_STATUS:
            return DOMAIN_STATUS[base]
    return 400


def error_response(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> tuple[Response, int]:
    """Render the error shape every client sees (its code is kept on `g.error_code`, for
    the metrics of refused comments)."""
    g.error_code = code
    return jsonify(error_document(code, message, fields)), status


def error_document(code: str, message: str, fields: dict[str, Any] | None = None) -> dict:
    """The error shape as plain data, for answers made outside Flask."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def http_error_document(status: int) -> dict:
    """The error shape for a bare HTTP status, as a server layer answers it."""
    code = HTTP_CODES.get(status, "http_error")
    message = HTTP_MESSAGES.get(status) or f"{HTTPStatus(status).phrase}."
    return error_document(code, message)


def flatten_messages(messages: Any) -> dict[str, str]:
    """One message per field, from marshmallow's lists and nested dicts."""
    if not isinstance(messages, dict):
        return {"_schema": first_message(messages)}
    return {str(field): first_message(value) for field, value in messages.items()}


def first_message(value: Any) -> str:
    """The first human-readable message in a marshmallow error value."""
    while isinstance(value, list | dict) and value:
        value = value[0] if isinstance(value, list) else next(iter(value.values()))
    return str(value)


def register_error_handlers(app: Flask) -> None:
    """Map every exception to the error shape; unexpected ones never leak their text."""

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError) -> tuple[Response, int]:
        response, status = error_response(status_of(error), error.code, error.message, error.fields)
        if isinstance(error, Unauthenticated):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response, status

    @app.errorhandler(RequestError)
    def handle_request_error(error: RequestError) -> tuple[Response, int]:
        return error_response(error.status, error.code, error.message)

    @app.errorhandler(ValidationError)
    def handle_validation_error(error: ValidationError) -> tuple[Response, int]:
        fields = flatten_messages(error.messages)
        return error_response(422, InvalidInput.code, InvalidInput.message, fields)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        code = HTTP_CODES.get(status, "http_error")
        message = HTTP_MESSAGES.get(status, error.description or "HTTP error.")
        response, status = error_response(status, code, message)
        valid_methods = getattr(error, "valid_methods", None)
        if valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response, status

    for kind in UNAVAILABLE_ERRORS:
        app.register_error_handler(kind, database_unavailable_response)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> tuple[Response, int]:
        logger.error(
            "Unhandled %s while serving %s %s",
            type(error).__name__, request.method, request.path,
            exc_info=error,
        )  # fmt: skip
        return error_response(500, "internal_error", "An internal error occurred.")


def database_unavailable_response(error: Exception) -> tuple[Response, int]:
    """503 with Retry-After: the database is down or restarting, so the client should retry.

    Logged with its traceback (it is an outage), answered without its text.
    """
    logger.warning(
        "Database unavailable (%s) while serving %s %s",
        type(error).__name__, request.method, request.path,
        exc_info=error,
    )  # fmt: skip
    response, status = error_response(503, "service_unavailable", DATABASE_UNAVAILABLE_MESSAGE)
    response.headers["Retry-After"] = str(current_app.config["DATABASE_RETRY_AFTER_SECONDS"])
    return response, status
