"""Endpoints for moderators: a site's policy (read by its moderators, changed by its admins),
its versions, and its articles' overrides."""

import re

from flask import Blueprint, Response, jsonify, request

from models import SitePolicyVersion
from service.accounts import policies
from service.accounts.policy_versions import PolicyActor
from service.api.auth import current_moderator, require
from service.api.openapi.operations import IF_MATCH, Reply, documented
from service.api.policy_schemas import (
    ArticleSchema,
    ArticleUpdateSchema,
    PolicyDocumentSchema,
    PolicySchema,
    PolicyVersionListSchema,
    article_schema,
    article_update_schema,
    policy_document,
    policy_schema,
    policy_versions_schema,
)
from service.api.requests import json_body
from service.api.schemas import ArticlePathSchema, load_or_raise
from service.moderation.intake import articles

bp = Blueprint("policies", __name__, url_prefix="/sites")

POLICY_TAG = re.compile("policy-([0-9]{1,10})")
POLICY = Reply(PolicySchema, "The site's policy in force, with its ETag.", headers=("ETag",))


@bp.get("/<slug>/policy")
@require(moderator=True)
@documented(replies={200: POLICY})
def get_policy(slug: str) -> Response:
    """The policy in force on one of the moderator's sites."""
    return policy_response(policies.get_policy(slug, current_moderator()))


@bp.put("/<slug>/policy")
@require(moderator=True)
@documented(body=PolicyDocumentSchema, headers=(IF_MATCH,), replies={200: POLICY}, errors=(412,))
def put_policy(slug: str) -> Response:
    """Replace the site's policy (admins only; keys left out take their defaults), saved as
    a new version. A stale If-Match is refused (412)."""
    moderator = current_moderator()
    saved = policies.set_policy(
        slug, json_body(), PolicyActor.of(moderator), moderator=moderator,
        expected_version=expected_policy_version(),
    )  # fmt: skip
    return policy_response(saved)


@bp.get("/<slug>/policy/versions")
@require(moderator=True)
@documented(replies={200: Reply(PolicyVersionListSchema, "Every version, newest first.")})
def list_policy_versions(slug: str) -> dict:
    """The site's policy versions with who saved each, when, and what it changed."""
    versions = policies.list_versions(slug, current_moderator())
    return {"items": policy_versions_schema.dump(versions)}


@bp.post("/<slug>/policy/versions/<id:version>/restore")
@require(moderator=True)
@documented(headers=(IF_MATCH,), replies={200: POLICY}, errors=(412,))
def restore_policy_version(slug: str, version: int) -> Response:
    """Put an earlier version's document back in force, as a new version (admins only)."""
    moderator = current_moderator()
    saved = policies.restore_version(
        slug, version, PolicyActor.of(moderator), moderator=moderator,
        expected_version=expected_policy_version(),
    )  # fmt: skip
    return policy_response(saved)


@bp.put("/<slug>/articles/<path:article_id>")
@require(moderator=True)
@documented(
    path=ArticlePathSchema,
    body=ArticleUpdateSchema,
    replies={200: Reply(ArticleSchema, "The article's overrides as they now are.")},
)
def put_article(slug: str, article_id: str) -> dict:
    """Close or reopen an article, or give it its own moderation mode (admins only)."""
    article_id = load_or_raise(ArticlePathSchema(), {"article_id": article_id})["article_id"]
    changes = load_or_raise(article_update_schema, json_body())
    moderator = current_moderator()
    state = articles.set_article(slug, article_id, moderator, actor=moderator.name, **changes)
    return article_schema.dump(state)


def policy_response(version: SitePolicyVersion) -> Response:
    """The policy answer with its ETag."""
    response = jsonify(policy_schema.dump(policy_document(version)))
    response.set_etag(f"policy-{version.version}")
    return response


def expected_policy_version() -> int | None:
    """The version named by If-Match: None when absent or `*`; -1 when it names none of
    this resource's (never matches: 412)."""
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return None
    for tag in if_match.as_set():
        match = POLICY_TAG.fullmatch(tag or "")
        if match:
            return int(match.group(1))
    return -1
