"""The versioned JSON API."""

from flask import Blueprint

from service.api import authors, comments, dashboard, moderation, policies, webhooks, wordpress
from service.api.openapi import views as openapi

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_blueprint(comments.bp)
bp.register_blueprint(moderation.bp)
bp.register_blueprint(authors.bp)
bp.register_blueprint(dashboard.bp)
bp.register_blueprint(webhooks.bp)
bp.register_blueprint(policies.bp)
bp.register_blueprint(wordpress.bp)
bp.register_blueprint(openapi.bp)
