"""The language switch (Italian, English), remembered in the session."""

from urllib.parse import urlsplit

from flask import redirect, request, url_for
from werkzeug.wrappers import Response

from service.web import bp
from service.web.i18n import choose_language


@bp.post("/language")
def set_language() -> Response:
    """Switch the UI's language and go back to the page the switch was on."""
    choose_language(request.form.get("language", ""))
    back = request.form.get("back", "")
    parts = urlsplit(back)
    if parts.scheme or parts.netloc or not parts.path.startswith("/moderate/"):
        back = url_for("web.queue")
    return redirect(back)
