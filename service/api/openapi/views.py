"""GET /api/v1/openapi.json: the description, built on the first request and kept."""

import json

from flask import Blueprint, Response, current_app

from service.api.openapi.operations import Reply, documented
from service.api.openapi.spec import build_spec

EXTENSION = "moderato.openapi"

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
@documented(
    replies={
        200: Reply(
            {"type": "object", "required": ["openapi", "info", "paths"]},
            "This description (OpenAPI 3.1).",
        )
    }
)
def get_openapi() -> Response:
    """The API's OpenAPI 3.1 description. No key is needed."""
    document = current_app.extensions.get(EXTENSION)
    if document is None:
        # Built once per process (a few milliseconds); two first requests at once both build
        # it, harmlessly. The routes cannot change after the app starts serving.
        document = json.dumps(build_spec(current_app), sort_keys=False).encode()
        current_app.extensions[EXTENSION] = document
    return Response(document, mimetype="application/json")
