"""Endpoint for moderators: the dashboard's figures, for one site or all of theirs."""

from flask import Blueprint

from service.api.auth import current_moderator, require
from service.api.moderation_schemas import (
    DashboardArgsSchema,
    DashboardSchema,
    dashboard_args_schema,
    dashboard_schema,
)
from service.api.openapi.operations import Reply, documented
from service.api.requests import query_args
from service.api.schemas import load_or_raise
from service.moderation.reporting import stats

bp = Blueprint("dashboard", __name__, url_prefix="/moderation/dashboard")


@bp.get("")
@require(moderator=True)
@documented(
    query=DashboardArgsSchema,
    replies={200: Reply(DashboardSchema, "The figures, per day over the period and in total.")},
    errors=(403,),
)
def get_dashboard() -> dict:
    """Queue size, oldest pending comment, decisions by source, spam rate and the classifier's
    accuracy as moderators see it, per day."""
    args = load_or_raise(dashboard_args_schema, query_args())
    return dashboard_schema.dump(stats.get_dashboard(current_moderator(), **args))
