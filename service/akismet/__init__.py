"""The Akismet-compatible API: WordPress's Akismet plugin and other Akismet clients, unchanged,
check comments with Moderato (docs/akismet.md).

An entry point of its own, served by its own process (`moderato akismet`): it scores comments
in-process, so it loads scikit-learn, which the JSON API's web process never does.
"""

from typing import Any

from flask import Flask

from service import create_app
from service.accounts.auth import AkismetSite, KeyCache
from service.serving.limits import RequestLimits

# Every Akismet route starts with one of these (the protocol's versions).
PATH_PREFIXES = ("/1.1/", "/1.2/")
KEY_CACHE = "moderato.akismet_keys"


def create_akismet_app(config: dict[str, Any] | None = None) -> Flask:
    """The app with the Akismet routes too, and their own body limit."""
    app = create_app(config)
    init_app(app)
    return app


def init_app(app: Flask) -> None:
    """Mount the Akismet routes on `app`, with their body limit below Flask and in it."""
    from service.akismet.views import bp

    limits = app.wsgi_app
    if not isinstance(limits, RequestLimits):  # create_app wraps the app in it, outermost
        raise TypeError("the Akismet routes need create_app's RequestLimits middleware")
    for prefix in PATH_PREFIXES:
        limits.max_body_by_path[prefix] = int(app.config["AKISMET_MAX_CONTENT_LENGTH"])
    app.extensions[KEY_CACHE] = KeyCache[AkismetSite](float(app.config["KEY_CACHE_SECONDS"]))
    app.register_blueprint(bp)
