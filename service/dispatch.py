"""Handing work to the workers. Called only after the transaction that stored it commits.

A failure to publish is logged, never raised: the comment is already stored as `queued`
and the periodic sweep sends it again once the broker is back.
"""

import logging
from typing import Any

from flask import current_app
from kombu.exceptions import KombuError, OperationalError

logger = logging.getLogger(__name__)

CLASSIFY_COMMENT = "moderation.classify_comment"
CLASSIFY_COMMENTS = "moderation.classify_comments"

# One quick second try covers a connection that went stale (say, Redis restarted); more
# would hold the HTTP answer hostage to a broker that is down.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def enqueue_classification(comment_ids: list[int]) -> bool:
    """Send the classification task(s); False if the broker could not be reached."""
    if not comment_ids:
        return True
    celery = current_app.extensions["celery"]
    args: list[Any]
    if len(comment_ids) == 1:
        name, args = CLASSIFY_COMMENT, [comment_ids[0]]
    else:
        name, args = CLASSIFY_COMMENTS, [comment_ids]
    try:
        celery.send_task(name, args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except (OperationalError, KombuError, OSError):
        logger.warning(
            "Broker unreachable; %d comment(s) stay queued for the sweep",
            len(comment_ids),
            extra={"comment_ids": comment_ids},
        )
        return False
    return True
