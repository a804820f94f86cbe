"""The web UI's checks before each request and its error pages (HTML, or JSON for its script).

Domain errors carry no HTTP status (service/errors.py); the JSON API gives them one in
service/api/errors.py, and these handlers, registered on the blueprint, win over the API's
for the UI's own routes.
"""

import logging

from flask import Response, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from service.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleVersion,
    Unauthenticated,
)
from service.web import bp
from service.web.sessions import wants_json
from service.web.setup import add_security_headers, csrf

logger = logging.getLogger(__name__)

STATUS = {NotFound: 404, Forbidden: 403, Unauthenticated: 401, Conflict: 409,
          StaleVersion: 412, InvalidInput: 422}  # fmt: skip


@bp.before_request
def protect_from_forgery() -> None:
    """Every POST (form or script) must carry the session's CSRF token."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


bp.after_request(add_security_headers)


def error_page(status: int, message: str) -> tuple[Response | str, int]:
    """The error as the page's script or a browser wants it."""
    if wants_json():
        return jsonify(message=message), status
    return render_template("web/error.html", status=status, message=message), status


def message_for(error: DomainError, status: int) -> str:
    """A translated message for the kind of error (domain messages are English and technical)."""
    if status == 404:
        return gettext("No such comment, or not one of your sites.")
    if status == 403:
        return gettext("You do not moderate that site.")
    if status in (409, 412):
        return gettext("Someone else decided this comment meanwhile; it has been reloaded.")
    if status == 422:
        return gettext("Some fields are not valid.")
    return gettext("The request could not be carried out.")


@bp.errorhandler(DomainError)
def handle_domain_error(error: DomainError) -> tuple[Response | str, int]:
    status = next((STATUS[kind] for kind in type(error).__mro__ if kind in STATUS), 400)
    return error_page(status, message_for(error, status))


@bp.errorhandler(CSRFError)
def handle_csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    logger.warning(
        "CSRF check failed on %s %s: %s", request.method, request.path, error.description
    )
    return error_page(
        400, gettext("The form has expired or was not sent by this page; reload and try again.")
    )


@bp.errorhandler(404)
def handle_not_found(error: Exception) -> tuple[Response | str, int]:
    return error_page(404, gettext("No such page."))
