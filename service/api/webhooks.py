"""Endpoints for sites: their webhook endpoints, and the deliveries made to them."""

from flask import Blueprint, Response, jsonify, url_for

from service.api.auth import current_site, require
from service.api.openapi.operations import Reply, documented
from service.api.requests import json_body, query_args
from service.api.schemas import load_or_raise
from service.api.webhook_schemas import (
    DeliveryArgsSchema,
    DeliveryPageSchema,
    DeliverySchema,
    EndpointCreateSchema,
    EndpointListSchema,
    EndpointSchema,
    NewEndpointSchema,
    deliveries_schema,
    delivery_args_schema,
    delivery_schema,
    endpoint_create_schema,
    endpoint_schema,
    endpoints_schema,
    new_endpoint_schema,
)
from service.webhooks import deliveries, endpoints

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.post("")
@require(site=True)
@documented(
    body=EndpointCreateSchema,
    replies={
        201: Reply(
            NewEndpointSchema,
            "The endpoint, with its signing secret (shown only here).",
            headers=("Location",),
        )
    },
)
def create_endpoint() -> tuple[Response, int]:
    """Register an endpoint; the answer holds its signing secret, shown only this once."""
    args = load_or_raise(endpoint_create_schema, json_body())
    new = endpoints.add_endpoint(current_site().id, args["url"], args["events"], args["secret"])
    response = jsonify(new_endpoint_schema.dump(new))
    response.headers["Location"] = url_for("api.webhooks.get_endpoint", endpoint_id=new.endpoint.id)
    return response, 201


@bp.get("")
@require(site=True)
@documented(replies={200: Reply(EndpointListSchema, "The site's endpoints.")})
def list_endpoints() -> dict:
    """The site's endpoints (without their secrets)."""
    return {"items": endpoints_schema.dump(endpoints.list_endpoints(current_site().id))}


@bp.get("/<id:endpoint_id>")
@require(site=True)
@documented(replies={200: Reply(EndpointSchema, "The endpoint, without its secret.")})
def get_endpoint(endpoint_id: int) -> dict:
    """One of the site's endpoints."""
    return endpoint_schema.dump(endpoints.get_endpoint(endpoint_id, current_site().id))


@bp.delete("/<id:endpoint_id>")
@require(site=True)
@documented(replies={204: Reply(None, "Removed.")})
def delete_endpoint(endpoint_id: int) -> tuple[str, int]:
    """Remove an endpoint; its pending deliveries are never sent."""
    endpoints.remove_endpoint(endpoint_id, current_site().id)
    return "", 204


@bp.get("/<id:endpoint_id>/deliveries")
@require(site=True)
@documented(
    query=DeliveryArgsSchema,
    replies={200: Reply(DeliveryPageSchema, "A page of the endpoint's deliveries, newest first.")},
)
def list_deliveries(endpoint_id: int) -> dict:
    """The endpoint's deliveries, newest first."""
    args = load_or_raise(delivery_args_schema, query_args())
    page = deliveries.list_deliveries(endpoint_id, site_id=current_site().id, **args)
    return {"items": deliveries_schema.dump(page.items), "next_cursor": page.next_cursor}


@bp.post("/<id:endpoint_id>/deliveries/<id:delivery_id>/redeliver")
@require(site=True)
@documented(replies={202: Reply(DeliverySchema, "The new delivery, pending.")})
def redeliver(endpoint_id: int, delivery_id: int) -> tuple[dict, int]:
    """Send a delivery again: the same message, as a new delivery."""
    again = deliveries.redeliver(delivery_id, site_id=current_site().id, endpoint_id=endpoint_id)
    return delivery_schema.dump(again), 202
