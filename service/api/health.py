"""Liveness and readiness probes."""

import logging
from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import text

from service.api.errors import error_response
from service.extensions import db

logger = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> Any:
    """The database and the broker are reachable; 503 otherwise."""
    checks = {"database": check_database(), "broker": check_broker()}
    if all(state == "ok" for state in checks.values()):
        return {"status": "ok", "checks": checks}
    return error_response(503, "not_ready", "A dependency is unreachable.", checks)


def check_database() -> str:
    """'ok' if a trivial query succeeds."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready; the reason goes to the log only
        logger.warning("Readiness: database unreachable", exc_info=True)
        db.session.rollback()
        return "unreachable"
    return "ok"


def check_broker() -> str:
    """'ok' if a connection to the broker can be made."""
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any failure means not ready; the reason goes to the log only
        logger.warning("Readiness: broker unreachable", exc_info=True)
        return "unreachable"
    return "ok"
