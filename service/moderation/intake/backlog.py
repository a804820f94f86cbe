"""How far behind the workers are: the oldest queued comment, and the messages still waiting
in the broker's moderation queue."""

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from models import Comment, CommentStatus, utcnow
from service.celery.wiring import count_waiting_messages
from service.extensions import db
from service.names import Queues

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 0.5


def fetch_oldest_queued_age(now: datetime | None = None) -> float | None:
    """Seconds since the oldest `queued` comment was last handed to the workers; None if
    nothing is queued. One index lookup: (status, enqueued_at) is indexed."""
    oldest = db.session.scalar(
        select(func.min(Comment.enqueued_at)).where(Comment.status == CommentStatus.QUEUED)
    )
    if oldest is None:
        return None
    return ((now or utcnow()) - oldest).total_seconds()


def fetch_waiting_messages(queue: str = Queues.MODERATION) -> int:
    """Messages waiting in the broker's `queue` (not those a worker has reserved); raises
    BrokerUnreachable if the broker does not answer within BROKER_TIMEOUT_SECONDS."""
    celery = current_app.extensions["celery"]
    return count_waiting_messages(celery, queue, BROKER_TIMEOUT_SECONDS)
