"""Moderato's Flask application factory."""

import logging
from typing import Any

from flask import Flask

from service import config as config_module
from service.celery.wiring import celery_init_app
from service.extensions import db, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, errors.

    The `moderato` commands are attached by `service.cli`, not here, so a web process never
    imports what they need (scikit-learn, SciPy, matplotlib).
    """
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    register_extensions(app)
    register_gate_listeners(app)
    register_url_converters(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_middleware(app)
    configure_logging(app)
    return app


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Defaults, then the environment, then the caller's overrides."""
    app.config.from_object(config_module.Config)
    config_module.load_environment(app.config)
    app.config.from_prefixed_env(config_module.ENV_PREFIX)
    app.config.update(overrides or {})
    config_module.finalise(app.config, app.instance_path)


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations, Celery, the per-process caches and the web UI's extensions."""
    # Importing the tables registers them on the metadata before anything uses it.
    import models
    from service import database
    from service.api import auth
    from service.moderation.intake import publisher
    from service.web import presenting
    from service.web import setup as web_setup
    from service.webhooks import subscriptions

    db.init_app(app)
    database.init_app(app)  # after db.init_app: its teardown must run first
    migrate.init_app(app, db, directory=str(models.MIGRATIONS_DIR))
    celery_init_app(app)
    auth.init_app(app)
    publisher.init_app(app)
    web_setup.init_app(app)
    presenting.register(app)
    subscriptions.init_app(app)


def register_gate_listeners(app: Flask) -> None:
    """What follows a change of a comment's status: the webhook outbox, in the change's own
    transaction, and the decision metrics, after it commits. The gate knows neither."""
    from service.moderation import listeners
    from service.moderation.reporting.decision_metrics import count_decisions
    from service.webhooks.listener import delivers_for, record_deliveries

    listeners.register(app, record_deliveries, writes_for=delivers_for)
    listeners.register(app, count_decisions, writes_for=listeners.writes_nothing)


def register_url_converters(app: Flask) -> None:
    """`<id:...>` in routes: only ids an integer column can hold (before any route is added)."""
    from service.api.converters import IdConverter

    app.url_map.converters["id"] = IdConverter


def register_blueprints(app: Flask) -> None:
    """Mount the HTTP API, the health checks, the metrics and the moderators' web UI."""
    from service.api import bp as api_bp
    from service.api.health import bp as health_bp
    from service.api.metrics import bp as metrics_bp
    from service.web import bp as web_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)


def register_error_handlers(app: Flask) -> None:
    """One JSON error shape for every failure."""
    from service.api.errors import register_error_handlers as register

    register(app)


def register_middleware(app: Flask) -> None:
    """Limits checked below Flask, before any body is read, whatever the WSGI server; then,
    behind trusted proxies, the client's address and scheme from their headers (Werkzeug's
    ProxyFix trusts only the last `PROXY_HOPS` entries, which those proxies wrote)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from service.serving.limits import RequestLimits

    app.wsgi_app = RequestLimits(  # type: ignore[method-assign]
        app.wsgi_app,
        max_body=app.config["MAX_CONTENT_LENGTH"],
        max_url=app.config["MAX_URL_LENGTH"],
        max_body_by_path=app.config["MAX_CONTENT_LENGTH_BY_PATH"],
    )
    if hops := int(app.config["PROXY_HOPS"]):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def configure_logging(app: Flask) -> None:
    """Log at INFO unless the host process has configured logging already."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
