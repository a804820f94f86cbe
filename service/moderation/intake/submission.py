"""Taking comments in: a site submits one, keyed or not, and gets its answer at once."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Comment, CommentStatus
from service.accounts.auth import SiteRef
from service.errors import IdempotencyKeyInUse, InvalidInput
from service.extensions import db
from service.metrics import definitions as metrics
from service.moderation.intake import articles, idempotency, storing

logger = logging.getLogger(__name__)

# A keyed submission that collides with an expired key deletes it and tries again; a key
# that is expired again at once (a TTL of zero, and rivals) is not worth looping over.
KEYED_ATTEMPTS = 3


@dataclass(frozen=True)
class AcceptedComment:
    """A comment just stored, as its site sees it: built from what was written, so the
    answer needs no second read."""

    id: int
    site_slug: str
    article_id: str
    parent_id: int | None
    author_name: str
    author_url: str | None
    body: str
    created_at: datetime
    status: str = CommentStatus.QUEUED
    version: int = 1
    spam_score: float | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None


def submit_comment(
    site: SiteRef, data: dict[str, Any], idempotency_key: str | None = None
) -> AcceptedComment:
    """Store a comment as `queued`, commit, then hand it to the workers (after the commit,
    so a worker never looks for a comment that is not there yet, and a broker outage cannot
    lose an accepted comment).

    With an `idempotency_key`, a repeat of the same request by the same site answers with
    the comment the first one stored, and stores nothing. A comment on a closed article is
    refused (ArticleClosed).
    """
    articles.check_open(site.id, data["article_id"])
    if data.get("parent_id") is not None:
        check_parent(site, data["article_id"], data["parent_id"])
    if idempotency_key is None:
        return admit_alone(site, data)
    request = idempotency.KeyedRequest(site.id, idempotency_key, idempotency.fingerprint(data))
    return admit_once(site, data, request)


def admit_once(
    site: SiteRef, data: dict[str, Any], request: idempotency.KeyedRequest
) -> AcceptedComment:
    """Admit a keyed submission, or answer with the comment its key already stored."""
    for _ in range(KEYED_ATTEMPTS):
        try:
            return admit(site, data, request)
        except IntegrityError:
            db.session.rollback()  # the new comment goes, and so does its enqueueing
            stored = idempotency.find(request)
            if stored is None:
                raise  # another constraint failed, not the key's
            if not idempotency.is_expired(stored):
                idempotency.check_same_request(request, stored)
                return accepted(site, stored.comment)
            idempotency.release(request, stored)  # expired: the key is free again
    raise IdempotencyKeyInUse()


def admit_alone(site: SiteRef, data: dict[str, Any]) -> AcceptedComment:
    """Insert an unkeyed comment in a statement of its own (committed when it returns)."""
    return accepted_now(site, data, storing.admit_alone({**data, "site_id": site.id}))


def admit(
    site: SiteRef, data: dict[str, Any], request: idempotency.KeyedRequest
) -> AcceptedComment:
    """Insert the comment and its key in one transaction, commit, and describe it."""
    admitted = storing.admit({**data, "site_id": site.id})
    idempotency.record(request, admitted.id, admitted.created_at)
    db.session.commit()
    return accepted_now(site, data, admitted)


def accepted_now(
    site: SiteRef, data: dict[str, Any], admitted: storing.Admitted
) -> AcceptedComment:
    """The answer to a comment just committed, built from what was written."""
    metrics.COMMENTS_ACCEPTED.labels(site=site.slug).inc()  # committed: it is in
    logger.debug("Accepted comment %s", admitted.id, extra={"comment_id": admitted.id})
    return AcceptedComment(
        id=admitted.id, site_slug=site.slug, article_id=data["article_id"],
        parent_id=data.get("parent_id"), author_name=data["author_name"],
        author_url=data.get("author_url"), body=data["body"], created_at=admitted.created_at,
    )  # fmt: skip


def accepted(site: SiteRef, comment: Comment) -> AcceptedComment:
    """The answer a comment got when it was accepted, whatever happened to it since."""
    return AcceptedComment(
        id=comment.id, site_slug=site.slug, article_id=comment.article_id,
        parent_id=comment.parent_id, author_name=comment.author_name,
        author_url=comment.author_url, body=comment.body, created_at=comment.created_at,
    )  # fmt: skip


def check_parent(site: SiteRef, article_id: str, parent_id: int) -> None:
    """A reply must answer a comment on the same article of the same site."""
    parent = db.session.scalar(
        select(Comment.id).where(
            Comment.id == parent_id, Comment.site_id == site.id, Comment.article_id == article_id
        )
    )
    if parent is None:
        raise InvalidInput(fields={"parent_id": "No such comment on this article."})
