"""Storing a new comment as `queued`, and having it classified once it is committed.

Not an audited change: a comment's history starts with its first decision, which the gate
writes. A comment decided while its sender waits (a synchronous check) is stored by the gate
itself (`gate.store_decided`), since that row carries a decision.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from flask import current_app

from models import utcnow
from service.database import after_commit, autocommit_engine, run_committed
from service.extensions import db
from service.moderation.intake import driver_insert
from service.moderation.intake.publisher import publish_new
from service.moderation.new_comments import INSERT_COMMENT, NEW_COMMENT_DEFAULTS


@dataclass(frozen=True)
class Admitted:
    """A comment just stored: its id and creation time."""

    id: int
    created_at: datetime


def admit(values: dict[str, Any], *, enqueue: bool = True) -> Admitted:
    """Store a new comment as `queued` in the session's transaction and have it classified
    once that commits.

    With `enqueue=False` nothing is sent to the workers: the caller decides the comment with
    `gate.transition` in the same transaction, so it is never seen queued.
    """
    now = utcnow()
    row = {**NEW_COMMENT_DEFAULTS, **values, "created_at": now, "enqueued_at": now}
    comment_id: int = db.session.execute(INSERT_COMMENT, row).scalar_one()
    if enqueue:
        after_commit(lambda: publish([comment_id]))
    return Admitted(comment_id, now)


def admit_alone(values: dict[str, Any]) -> Admitted:
    """Store a new comment as `queued` in a statement that is its own transaction, then have
    it classified: intake's path for a comment with nothing else to write beside it.

    The INSERT runs in autocommit on a connection of its own, so storing it is one round trip
    (not BEGIN, INSERT, COMMIT) and skips the ORM session's transaction bookkeeping; on
    PostgreSQL it runs on the driver's connection (driver_insert.py says why). Once it
    returns, the row is committed, so the comment can be published at once.
    """
    now = utcnow()
    row = {**NEW_COMMENT_DEFAULTS, **values, "created_at": now, "enqueued_at": now}
    engine = db.engine
    if driver_insert.supports(engine):
        comment_id = driver_insert.insert_returning_id(engine, INSERT_COMMENT, row)
    else:
        with autocommit_engine(engine).connect() as connection:
            comment_id = connection.execute(INSERT_COMMENT, row).scalar_one()
    run_committed([partial(publish, [comment_id])])  # failures logged: the row is in
    return Admitted(comment_id, now)


def publish(comment_ids: list[int]) -> None:
    """Have newly stored comments classified (a broker failure is logged, never raised)."""
    publish_new(current_app, comment_ids)
