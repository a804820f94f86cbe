"""Building the OpenAPI 3.1 description from the URL map, the views' declarations and the
marshmallow schemas (apispec and its marshmallow plugin).

Every route whose view is `@documented` is described; which routes must be is a test's
business (tests/unit/service/api/openapi/test_spec.py), so a route added without a
declaration fails the suite, never a running server.
"""

import re
from collections.abc import Iterator
from importlib import metadata
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from werkzeug.routing import Rule

from models import INTEGER_MAX
from service.api.auth import allowed_keys
from service.api.openapi.errors import (
    error_codes_by_status,
    error_response_component,
    error_schema,
)
from service.api.openapi.fields import converter_of, describe_custom_fields
from service.api.openapi.operations import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    Operation,
    Reply,
    operation_of,
)
from service.api.schemas import AnswerSchema

OPENAPI_VERSION = "3.1.0"
DESCRIPTION = (
    "Moderato's JSON API: sites submit comments and read them back, moderators work the "
    "review queue. Every error answer has the same shape (`Error`)."
)

# `<converter(arguments):name>` or `<name>` in a Werkzeug rule.
RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
# What a route converter lets through, for converters that say enough by themselves.
CONVERTER_SCHEMAS: dict[str, dict[str, Any]] = {
    # service/api/converters.py: ids outside this range match no route (a 404).
    "id": {"type": "integer", "minimum": 1, "maximum": INTEGER_MAX},
    "default": {"type": "string", "minLength": 1},
    "string": {"type": "string", "minLength": 1},
    "path": {"type": "string", "minLength": 1},
}

SECURITY_SCHEMES = {
    "siteKey": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "sk_…",
        "description": "A site's key (`moderato sites create`): `Authorization: Bearer sk_…`.",
    },
    "moderatorToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "mk_…",
        "description": "A moderator's token (`moderato moderators create`): "
        "`Authorization: Bearer mk_…`. It reaches only the comments of that moderator's sites.",
    },
}
SCHEME_OF_KEY = {"site": "siteKey", "moderator": "moderatorToken"}

REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    IF_MATCH: {
        "name": IF_MATCH,
        "in": "header",
        "required": False,
        "description": "The `ETag` as read (a comment's, a site policy's): a decision on a "
        "comment, or a change of a policy, changed since is refused (412). `*` or no header: "
        "act on it as it is.",
        "schema": {"type": "string"},
    },
    IDEMPOTENCY_KEY: {
        "name": IDEMPOTENCY_KEY,
        "in": "header",
        "required": False,
        "description": "Makes a retry safe: the same key (per site, for 24 hours) with the same "
        "body gets the first answer again; with another body, a 422 `idempotency_key_reused`.",
        "schema": {"type": "string", "pattern": "^[\\x20-\\x7e]{1,255}$"},
    },
}

RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The version of the comment (or site policy), for `If-Match`.",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "Where to read what was created (the comment, the webhook endpoint).",
        "schema": {"type": "string"},
    },
}


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI description of every documented route of `app`."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Moderato",
        version=package_version(),
        openapi_version=OPENAPI_VERSION,
        plugins=[plugin],
        info={"description": DESCRIPTION},
    )
    describe_custom_fields(plugin)
    register_components(spec)
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        view = app.view_functions[rule.endpoint]
        operation = operation_of(view)
        if operation is None:
            continue
        operations = {
            method.lower(): describe_operation(
                rule, operation, allowed_keys(view), view.__doc__, plugin
            )
            for method in documented_methods(rule)
        }
        spec.path(path=openapi_path(rule), operations=operations)
    mark_answer_fields_required(spec, plugin)
    add_schema_constraints(spec, plugin)
    return spec.to_dict()


def package_version() -> str:
    """Moderato's version, as installed."""
    try:
        return metadata.version("moderato")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0"


def register_components(spec: APISpec) -> None:
    """Security schemes, the error shape and its answers, the shared headers."""
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    for name, parameter in REQUEST_HEADERS.items():
        spec.components.parameter(component_id(name), "header", parameter)
    for name, header in RESPONSE_HEADERS.items():
        spec.components.header(name, header)
    spec.components.schema("Error", error_schema())
    for status, codes in error_codes_by_status().items():
        spec.components.response(f"Error{status}", error_response_component(status, codes))


def component_id(header: str) -> str:
    """`If-Match` -> `IfMatch`."""
    return header.replace("-", "")


def documented_methods(rule: Rule) -> list[str]:
    """The rule's methods but HEAD and OPTIONS, which Werkzeug answers by itself."""
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def openapi_path(rule: Rule) -> str:
    """`/comments/<id:comment_id>` -> `/comments/{comment_id}`."""
    return RULE_ARGUMENT.sub(lambda match: "{" + match["name"] + "}", rule.rule)


def path_parameters(
    rule: Rule, operation: Operation, plugin: MarshmallowPlugin
) -> Iterator[dict[str, Any]]:
    """One parameter per argument of the rule, from the view's path schema or the converter."""
    declared: dict[str, dict[str, Any]] = {}
    if operation.path is not None:
        declared = {
            parameter["name"]: parameter
            for parameter in converter_of(plugin).schema2parameters(operation.path, location="path")
        }
    for match in RULE_ARGUMENT.finditer(rule.rule):
        name = match["name"]
        if name in declared:
            yield declared[name]
            continue
        schema = CONVERTER_SCHEMAS.get(match["converter"] or "default", {"type": "string"})
        yield {"name": name, "in": "path", "required": True, "schema": dict(schema)}


def parameters(
    rule: Rule, operation: Operation, plugin: MarshmallowPlugin
) -> list[dict[str, Any] | str]:
    """Path arguments, then query parameters (the plugin expands a schema into one per field),
    then request headers (by component id: apispec makes the reference)."""
    described: list[dict[str, Any] | str] = [*path_parameters(rule, operation, plugin)]
    if operation.query is not None:
        described.append({"in": "query", "schema": operation.query})
    described += [component_id(header) for header in operation.headers]
    return described


def describe_operation(
    rule: Rule,
    operation: Operation,
    keys: frozenset[str],
    docstring: str | None,
    plugin: MarshmallowPlugin,
) -> dict[str, Any]:
    """The OpenAPI operation object of one method of one route."""
    summary, description = summary_and_description(docstring)
    described: dict[str, Any] = {
        "operationId": rule.endpoint.replace(".", "_"),
        "tags": [tag_of(rule)],
        "summary": summary,
        "parameters": parameters(rule, operation, plugin),
        "responses": {
            **{str(status): reply_object(reply) for status, reply in operation.replies.items()},
            **{str(status): error_ref(status) for status in error_statuses(rule, operation, keys)},
        },
        "security": [{SCHEME_OF_KEY[key]: []} for key in sorted(keys)],
    }
    if description:
        described["description"] = description
    if operation.body is not None:
        described["requestBody"] = {
            "required": operation.body_required,
            "content": {"application/json": {"schema": operation.body}},
        }
    return described


def summary_and_description(docstring: str | None) -> tuple[str, str]:
    """The docstring's first sentence, and the rest of it."""
    text = " ".join((docstring or "").split())
    summary, _, rest = text.partition(". ")
    return summary.rstrip("."), rest


def tag_of(rule: Rule) -> str:
    """The blueprint a route belongs to (`api.comments.create_comment` -> `comments`)."""
    parts = rule.endpoint.split(".")
    return parts[-2] if len(parts) > 1 else "default"


def reply_object(reply: Reply) -> dict[str, Any]:
    """A success answer: its description, JSON schema and headers."""
    described: dict[str, Any] = {"description": reply.description}
    if reply.schema is not None:
        schema = reply.schema
        if isinstance(schema, tuple):
            schema = {"oneOf": list(schema)}
        described["content"] = {"application/json": {"schema": schema}}
    if reply.headers:
        described["headers"] = {
            name: {"$ref": f"#/components/headers/{name}"} for name in reply.headers
        }
    return described


def error_ref(status: int) -> dict[str, str]:
    """A reference to the shared answer of an error status."""
    return {"$ref": f"#/components/responses/Error{status}"}


def error_statuses(rule: Rule, operation: Operation, keys: frozenset[str]) -> list[int]:
    """The error answers this operation can give: its own, and those of its kind of view."""
    statuses = {500, 503, 414, 431, *operation.errors}  # any request; 414/431 from the server
    if keys:
        statuses |= {401, 403}
    if RULE_ARGUMENT.search(rule.rule):
        statuses |= {404, 422}  # no such comment; an article id from the path can be invalid
    if operation.body is not None:
        statuses |= {400, 413, 415, 422}
    if operation.query is not None or operation.headers:
        statuses.add(422)
    return sorted(statuses - set(operation.replies))


def mark_answer_fields_required(spec: APISpec, plugin: MarshmallowPlugin) -> None:
    """Every field of an answer schema is always there: say so, so that a client (and the
    fuzzer checking answers) can rely on it. Load schemas keep their own `required`."""
    schemas = spec.components.schemas
    for (schema_class, *_modifiers), name in converter_of(plugin).refs.items():
        if issubclass(schema_class, AnswerSchema) and name in schemas:
            schemas[name]["required"] = list(schemas[name].get("properties", {}))


def add_schema_constraints(spec: APISpec, plugin: MarshmallowPlugin) -> None:
    """What a schema's checks across fields refuse (`@validates_schema`: one of two fields, a
    reason to reject), where JSON Schema can say it: each schema class states it beside the
    check as `openapi_constraints`, inherited constraints included (all of them apply)."""
    schemas = spec.components.schemas
    for (schema_class, *_modifiers), name in converter_of(plugin).refs.items():
        if name not in schemas:
            continue
        constraints = [
            vars(kind)["openapi_constraints"]
            for kind in schema_class.__mro__
            if "openapi_constraints" in vars(kind)
        ]
        if len(constraints) == 1:
            schemas[name].update(constraints[0])
        elif constraints:
            schemas[name]["allOf"] = constraints
