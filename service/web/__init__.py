"""The moderator web UI under /moderate: server-rendered pages and a little plain JavaScript.

`bp` holds the routes (one module per page: `login`, `queue`, `comments`); `init_app` adds what
the pages need app-wide: translations, CSRF protection, the session cookie's flags and the
security headers.
"""

from flask import Blueprint

bp = Blueprint(
    "web",
    __name__,
    url_prefix="/moderate",
    template_folder="templates",
    static_folder="static",
)

# The routes register themselves on `bp` when their modules are imported.
from service.web import (  # noqa: E402, F401
    articles,
    authors,
    comments,
    dashboard,
    errors,
    language,
    login,
    queue,
    settings,
)
from service.web.presenting import page_values  # noqa: E402

bp.context_processor(page_values)
