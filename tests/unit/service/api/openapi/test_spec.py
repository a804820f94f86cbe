"""The OpenAPI description covers every route, and says what the views and schemas say."""

from typing import Any

import schemathesis
from flask import Flask

from service.api.openapi.spec import documented_methods, openapi_path
from service.api.openapi.views import EXTENSION

# Routes the JSON API's description leaves out, and where they are described instead.
DESCRIBED_ELSEWHERE = {
    "/static/": "Flask's static files",
    "/metrics": "Prometheus's text format (docs/metrics.md)",
    "/moderate": "the moderators' web UI: HTML pages and forms",
    "/1.1/": "the Akismet protocol: ../shared/akismet/spec.yml",
    "/1.2/": "the Akismet protocol: ../shared/akismet/spec.yml",
}
# Whole routes left out (a prefix of "/" would leave out everything).
LEFT_OUT = {"/": "a redirect to the moderators' web UI (service/web/queue.py)"}


def test_every_route_of_the_url_map_is_described(
    spec_app: Flask, description: dict[str, Any]
) -> None:
    missing = [
        f"{method} {rule.rule} ({rule.endpoint}): add @documented(...) under its route"
        for rule in spec_app.url_map.iter_rules()
        if not rule.rule.startswith(tuple(DESCRIBED_ELSEWHERE)) and rule.rule not in LEFT_OUT
        for method in documented_methods(rule)
        if method.lower() not in description["paths"].get(openapi_path(rule), {})
    ]
    assert missing == []


def test_the_description_is_valid_openapi_3_1(description: dict[str, Any]) -> None:
    assert description["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(description).validate()  # raises on an invalid document


def test_it_is_served_without_a_key_and_built_once(spec_app: Flask) -> None:
    client = spec_app.test_client()
    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json")
    assert first.status_code == 200
    assert first.mimetype == "application/json"
    assert second.get_data() == first.get_data() == spec_app.extensions[EXTENSION]


def test_path_arguments_come_from_the_route_converters(description: dict[str, Any]) -> None:
    parameters = description["paths"]["/api/v1/comments/{comment_id}"]["get"]["parameters"]
    assert parameters == [
        {
            "name": "comment_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647},
        }
    ]


def test_security_follows_the_keys_a_view_requires(description: dict[str, Any]) -> None:
    paths = description["paths"]
    assert paths["/api/v1/comments"]["post"]["security"] == [{"siteKey": []}]
    assert paths["/api/v1/moderation/queue"]["get"]["security"] == [{"moderatorToken": []}]
    assert paths["/api/v1/comments/{comment_id}"]["get"]["security"] == [
        {"moderatorToken": []},
        {"siteKey": []},
    ]
    assert paths["/api/v1/openapi.json"]["get"]["security"] == []
    schemes = description["components"]["securitySchemes"]
    assert {scheme["scheme"] for scheme in schemes.values()} == {"bearer"}


def test_a_comment_is_one_of_the_two_views_of_it(description: dict[str, Any]) -> None:
    answer = description["paths"]["/api/v1/comments/{comment_id}"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "oneOf": [
            {"$ref": "#/components/schemas/Comment"},
            {"$ref": "#/components/schemas/ModeratorComment"},
        ]
    }
    assert set(answer["headers"]) == {"ETag"}
    # Sites never see the reader's details: the site's view refuses any other field.
    comment = description["components"]["schemas"]["Comment"]
    assert comment["additionalProperties"] is False
    assert "author_email" not in comment["properties"]


def test_the_explanation_is_described_as_words_domains_and_signals(
    description: dict[str, Any],
) -> None:
    schemas = description["components"]["schemas"]
    for name in ["ModeratorComment", "ModerationEvent"]:
        explanation = schemas[name]["properties"]["explanation"]
        item = explanation["properties"]["spam"]["items"]
        assert item["properties"]["kind"]["enum"] == ["word", "domain", "signal"]
        assert {"text", "name", "weight", "feature"} <= set(item["properties"])
        assert explanation["example"]["spam"][0]["kind"] == "word"


def test_every_field_of_an_answer_is_required_and_request_fields_keep_their_own(
    description: dict[str, Any],
) -> None:
    schemas = description["components"]["schemas"]
    for name in ["Comment", "ModeratorComment", "ModerationEvent", "CommentPage", "History"]:
        assert schemas[name]["required"] == list(schemas[name]["properties"]), name
    assert schemas["CommentCreate"]["required"] == ["article_id", "author_name", "body"]


def test_request_headers_and_query_parameters_are_described(description: dict[str, Any]) -> None:
    paths = description["paths"]
    submit = paths["/api/v1/comments"]["post"]
    assert submit["parameters"] == [{"$ref": "#/components/parameters/IdempotencyKey"}]
    approve = paths["/api/v1/moderation/comments/{comment_id}/approve"]["post"]
    assert {"$ref": "#/components/parameters/IfMatch"} in approve["parameters"]
    assert approve["requestBody"]["required"] is False  # an empty body is fine
    queue = paths["/api/v1/moderation/queue"]["get"]["parameters"]
    assert {parameter["name"] for parameter in queue} == {
        "limit", "cursor", "status", "order", "article_id", "site", "classifier_version",
        "min_score", "max_score", "q",
    }  # fmt: skip


def test_errors_are_the_one_error_shape_with_their_codes(description: dict[str, Any]) -> None:
    decide = description["paths"]["/api/v1/moderation/comments/{comment_id}/reject"]["post"]
    assert {"400", "401", "403", "404", "409", "412", "413", "415", "422", "500", "503"} <= set(
        decide["responses"]
    )
    responses = description["components"]["responses"]
    assert decide["responses"]["409"] == {"$ref": "#/components/responses/Error409"}
    assert "`invalid_transition`" in responses["Error409"]["description"]
    assert "`idempotency_key_reused`" in responses["Error422"]["description"]
    shape = responses["Error422"]["content"]["application/json"]["schema"]
    assert shape == {"$ref": "#/components/schemas/Error"}
    error = description["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message", "fields"]
    assert set(responses["Error503"]["headers"]) == {"Retry-After"}


def test_the_moderators_tools_and_webhooks_are_described_with_their_keys(
    description: dict[str, Any],
) -> None:
    paths = description["paths"]
    for path, method in [
        ("/api/v1/moderation/queue/counts", "get"),
        ("/api/v1/moderation/comments/{comment_id}/undo", "post"),
        ("/api/v1/moderation/comments/{comment_id}/reverse", "post"),
        ("/api/v1/moderation/bulk", "post"),
        ("/api/v1/moderation/comments/{comment_id}/thread", "get"),
        ("/api/v1/moderation/authors", "get"),
        ("/api/v1/moderation/authors/decide", "post"),
        ("/api/v1/moderation/dashboard", "get"),
    ]:
        assert paths[path][method]["security"] == [{"moderatorToken": []}], path
    for path, method in [
        ("/api/v1/webhooks", "post"),
        ("/api/v1/webhooks/{endpoint_id}", "delete"),
        ("/api/v1/webhooks/{endpoint_id}/deliveries", "get"),
        ("/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver", "post"),
    ]:
        assert paths[path][method]["security"] == [{"siteKey": []}], path
    undo = paths["/api/v1/moderation/comments/{comment_id}/undo"]["post"]
    assert {"$ref": "#/components/parameters/IfMatch"} in undo["parameters"]
    assert {"409", "412"} <= set(undo["responses"])
    created = paths["/api/v1/webhooks"]["post"]["responses"]["201"]
    assert set(created["headers"]) == {"Location"}
    assert set(paths["/api/v1/webhooks/{endpoint_id}"]["delete"]["responses"]["204"]) == {
        "description"
    }  # no body


def test_answers_built_by_hand_have_exact_schemas(description: dict[str, Any]) -> None:
    schemas = description["components"]["schemas"]
    for name in ["StatusCounts", "BulkResult", "AuthorRecord", "Thread", "Dashboard",
                 "Endpoint", "NewEndpoint", "Delivery", "DeliveryPage"]:  # fmt: skip
        assert schemas[name]["required"] == list(schemas[name]["properties"]), name
        assert schemas[name]["additionalProperties"] is False, name
    counts = schemas["StatusCounts"]["properties"]["counts"]
    assert counts["required"] == ["approved", "pending", "queued", "rejected"]
    assert schemas["StatusCounts"]["properties"]["at_least"]["type"] == "array"
    assert schemas["Thread"]["properties"]["parent"] == {
        "anyOf": [{"$ref": "#/components/schemas/ModeratorComment"}, {"type": "null"}]
    }


def test_checks_across_fields_are_in_the_body_schemas(description: dict[str, Any]) -> None:
    schemas = description["components"]["schemas"]
    bulk = schemas["BulkDecision"]
    assert {"oneOf": [{"required": ["items"]}, {"required": ["filter"]}]} in bulk["allOf"]
    reject_needs_reason = {
        "if": {"properties": {"action": {"const": "reject"}}, "required": ["action"]},
        "then": {"properties": {"reason": {"type": "string"}}, "required": ["reason"]},
    }
    assert reject_needs_reason in bulk["allOf"]
    # Both of AuthorDecisionSchema's bases check something: both constraints apply.
    action, one_key = schemas["AuthorDecision"]["allOf"]
    assert action == reject_needs_reason
    assert one_key["oneOf"] == [
        {"properties": {"email": {"type": "string"}}, "required": ["email"]},
        {"properties": {"ip": {"type": "string"}}, "required": ["ip"]},
    ]
