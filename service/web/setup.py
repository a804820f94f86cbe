"""What the web UI needs app-wide: translations, CSRF, the session cookie and security headers."""

from pathlib import Path

from flask import Flask, Request, Response, has_request_context, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from service.web.i18n import select_locale

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
WEB_PREFIX = "/moderate"  # the blueprint's url_prefix (service/web/__init__.py)

babel = Babel()
csrf = CSRFProtect()

# Scripts and styles only from our own files: no inline script, no inline style, no eval.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, for the web UI's pages only, whose Secure flag follows the
    request when not configured: set over HTTPS, so that the cookie never travels in clear, and
    left off on plain HTTP (`make run`), where a Secure cookie would never come back."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The cookie session under the web UI's prefix; elsewhere Flask's null session. The
        JSON API is called with bearer keys, never cookies, and checking the signature of a
        cookie it never reads was a measurable part of each intake request."""
        if not request.path.startswith(WEB_PREFIX):
            return None  # Flask then uses a NullSession: empty, and refuses writes
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = app.config["WEB_COOKIE_SECURE"]
        if configured is not None:
            return bool(configured)
        return has_request_context() and request.is_secure


def init_app(app: Flask) -> None:
    """Bind Babel and CSRFProtect, and the session cookie whose Secure flag follows HTTPS."""
    app.session_interface = SessionInterface()
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_locale=app.config["WEB_DEFAULT_LOCALE"],
        default_translation_directories=str(TRANSLATIONS_DIR),
    )
    csrf.init_app(app)


def add_security_headers(response: Response) -> Response:
    """The web UI's headers: the CSP, no sniffing, no framing, and no caching of its pages."""
    response.headers.update(SECURITY_HEADERS)
    if response.mimetype in ("text/html", "application/json"):
        response.headers["Cache-Control"] = "no-store"
    return response
