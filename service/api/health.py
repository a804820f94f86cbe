"""Liveness and readiness probes.

`/readyz` is the web process's own readiness (database and broker reachable): a load balancer
or compose health check uses it, and it must not fail only because the workers are down.
`/readyz?deep=1` also asks whether comments are being decided: at least one worker sent a
heartbeat recently, and the oldest queued comment has not waited longer than
READY_MAX_QUEUED_AGE_SECONDS. Every check gives up within about half a second.
"""

import logging
from typing import Any

from flask import Blueprint, current_app, request
from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy import text

from service.api.errors import error_response
from service.api.openapi.errors import error_schema
from service.api.openapi.operations import Reply, documented
from service.celery import heartbeats
from service.celery.wiring import connect_once, short_timeout_connection
from service.extensions import db
from service.moderation.intake.backlog import fetch_oldest_queued_age

logger = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

BROKER_TIMEOUT_SECONDS = 0.5


DEEP_VALUES = {"1", "true", "yes"}
STATUS_OK = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"const": "ok"}},
}
READY = {
    "type": "object",
    "required": ["status", "checks"],
    "additionalProperties": False,
    "properties": {
        "status": {"const": "ok"},
        "checks": {"type": "object", "additionalProperties": {"const": "ok"}},
    },
}


class ReadinessArgsSchema(Schema):
    """The query of /readyz."""

    class Meta:
        unknown = EXCLUDE  # probes may add their own parameters

    deep = fields.String(
        load_default="",
        metadata={"description": "`1`, `true` or `yes`: also check that workers keep up."},
    )


readiness_args_schema = ReadinessArgsSchema()


@bp.get("/healthz")
@documented(replies={200: Reply(STATUS_OK, "The process is alive.")})
def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@bp.get("/readyz")
@documented(
    query=ReadinessArgsSchema,
    replies={
        200: Reply(READY, "Every check is `ok`."),
        503: Reply(error_schema(["not_ready"]), "A check failed: `fields` has every check."),
    },
)
def readyz() -> Any:
    """The database and the broker are reachable (with `deep=1`: and workers keep up); 503
    otherwise, naming the failing checks."""
    checks = {"database": check_database(), "broker": check_broker()}
    if readiness_args_schema.load(request.args)["deep"].lower() in DEEP_VALUES:
        checks |= {"workers": check_workers(), "queue": check_queue()}
    if all(state == "ok" for state in checks.values()):
        return {"status": "ok", "checks": checks}
    return error_response(503, "not_ready", "A readiness check failed.", checks)


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
    """'ok' if the broker answers within BROKER_TIMEOUT_SECONDS."""
    try:
        if heartbeats.uses_redis(current_app.config):
            heartbeats.redis_client(current_app.config).ping()
        else:
            celery = current_app.extensions["celery"]
            with short_timeout_connection(celery, BROKER_TIMEOUT_SECONDS) as connection:
                connect_once(connection)
    except Exception:  # any failure means not ready; the reason goes to the log only
        logger.warning("Readiness: broker unreachable", exc_info=True)
        return "unreachable"
    return "ok"


def check_workers() -> str:
    """'ok' if at least one worker sent a heartbeat recently."""
    try:
        live = heartbeats.count_live_workers(current_app.config)
    except Exception:  # the heartbeats live in the broker: unreachable means unknown
        logger.warning("Readiness: worker heartbeats unreadable", exc_info=True)
        return "unknown"
    return "ok" if live else "no live worker"


def check_queue() -> str:
    """'ok' if no queued comment has waited longer than READY_MAX_QUEUED_AGE_SECONDS."""
    limit = float(current_app.config["READY_MAX_QUEUED_AGE_SECONDS"])
    try:
        age = fetch_oldest_queued_age()
    except Exception:  # the database check reports the cause
        db.session.rollback()
        return "unknown"
    if age is None or age <= limit:
        return "ok"
    return f"oldest queued comment waited {age:.0f} s (limit {limit:.0f} s)"
