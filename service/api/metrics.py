"""`GET /metrics`: the Prometheus scrape, guarded by the metrics token.

A token rather than a port of its own: gunicorn serves one app on every address it binds, so a
metrics-only port would need a second server (or a per-port check) in every deployment, and
`moderato serve` would need two ports; a bearer token works the same behind any proxy, and
Prometheus sends one from a file (`authorization.credentials_file`). With no token configured
the route is off (404), so a deployment never exposes its figures by omission.
"""

from flask import Blueprint, Response, current_app, request

from service.errors import NotFound, Unauthenticated
from service.metrics import exposition
from service.moderation.reporting.waiting_gauges import QueueCollector, fetch_queue_states

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def scrape() -> Response:
    """Every process's metrics of this server, plus the queue, read now."""
    expected = current_app.config["METRICS_TOKEN_SHA256"]
    if not expected:
        raise NotFound()
    if not exposition.token_matches(expected, request.headers.get("Authorization")):
        raise Unauthenticated("Send 'Authorization: Bearer <metrics token>'.")
    registry = exposition.scrape_registry(QueueCollector(fetch_queue_states))
    body, content_type = exposition.render(registry, request.headers.get("Accept"))
    return Response(body, content_type=content_type)
