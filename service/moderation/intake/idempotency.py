"""Idempotency keys: a client that retries a submission with the same key gets the first
answer, and the comment is stored once.

A key row is written in the comment's own transaction, so a committed comment always has
its key: a client that lost the answer (a timeout, a 503 while the commit had in fact gone
through) finds it when it retries. The primary key (site, key) makes two concurrent requests
with one key collide; the loser's INSERT waits for the winner's transaction and then fails,
and the loser answers with the winner's comment.

Hand-rolled: the Flask idempotency packages keep the key and a cached answer beside the
request, in Redis or a table of their own, written after the view; the key here must commit
in the comment's own transaction, or a crash between the two would store the comment twice.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, delete, insert, select

from models import Comment, IdempotencyKey, utcnow
from service.errors import IdempotencyKeyReused
from service.extensions import db

logger = logging.getLogger(__name__)

KEYS = cast(Table, IdempotencyKey.__table__)


@dataclass(frozen=True)
class KeyedRequest:
    """A submission carrying an Idempotency-Key: whose key, and what was asked."""

    site_id: int
    key: str
    fingerprint: str


@dataclass(frozen=True)
class StoredKey:
    """A key already used: what it was used for, and when."""

    fingerprint: str
    created_at: datetime
    comment: Comment


def fingerprint(data: dict[str, Any]) -> str:
    """SHA-256 of the validated fields as canonical JSON (sorted keys, no spaces), so the
    same comment sent with its fields in another order is the same request."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(request: KeyedRequest, comment_id: int, created_at: datetime) -> None:
    """Write the key in the current transaction (the comment's); fails with IntegrityError if
    the site used this key already."""
    db.session.execute(
        insert(KEYS).values(
            site_id=request.site_id, key=request.key, fingerprint=request.fingerprint,
            comment_id=comment_id, created_at=created_at,
        )
    )  # fmt: skip


def find(request: KeyedRequest) -> StoredKey | None:
    """The stored use of this key by this site, with its comment; None if there is none."""
    row = db.session.execute(
        select(IdempotencyKey.fingerprint, IdempotencyKey.created_at, Comment)
        .join(Comment, Comment.id == IdempotencyKey.comment_id)
        .where(IdempotencyKey.site_id == request.site_id, IdempotencyKey.key == request.key)
    ).one_or_none()
    return None if row is None else StoredKey(row.fingerprint, row.created_at, row.Comment)


def is_expired(stored: StoredKey, now: datetime | None = None) -> bool:
    """True once the key has outlived IDEMPOTENCY_TTL_SECONDS: it may then be used again."""
    return stored.created_at < expiry_cutoff(now)


def check_same_request(request: KeyedRequest, stored: StoredKey) -> None:
    """A live key sent with another body is a client error, never a second comment."""
    if stored.fingerprint != request.fingerprint:
        raise IdempotencyKeyReused(
            fields={"Idempotency-Key": "This key was used with a different request."}
        )


def release(request: KeyedRequest, stored: StoredKey) -> None:
    """Delete an expired key (only the use we saw), so it can be recorded anew; commits."""
    db.session.execute(
        delete(KEYS).where(
            KEYS.c.site_id == request.site_id,
            KEYS.c.key == request.key,
            KEYS.c.created_at == stored.created_at,
        )
    )
    db.session.commit()


def purge_expired_keys(now: datetime | None = None) -> int:
    """Delete every key older than IDEMPOTENCY_TTL_SECONDS; returns how many (run by beat)."""
    result = db.session.execute(delete(KEYS).where(KEYS.c.created_at < expiry_cutoff(now)))
    db.session.commit()
    purged = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if purged:
        logger.info("Purged %d expired idempotency key(s)", purged)
    return purged


def expiry_cutoff(now: datetime | None = None) -> datetime:
    """Keys created before this instant have expired."""
    ttl = float(current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    return (now or utcnow()) - timedelta(seconds=ttl)
