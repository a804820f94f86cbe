"""Handing work to the workers. Called only after the transaction that stored it commits.

A failure to publish is logged, never raised: the comment is already stored as `queued`
and the periodic sweep sends it again once the broker is back.
"""

import logging

from flask import current_app
from kombu.exceptions import KombuError, OperationalError

from service.names import TaskNames

logger = logging.getLogger(__name__)

# One quick second try covers a connection that went stale (say, Redis restarted); more
# would hold the HTTP answer hostage to a broker that is down.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def enqueue_classification(comment_ids: list[int]) -> bool:
    """Send the classification task; False if the broker could not be reached."""
    if not comment_ids:
        return True
    celery = current_app.extensions["celery"]
    try:
        celery.send_task(
            TaskNames.CLASSIFY_COMMENTS,
            args=[comment_ids],
            # What Celery logs and shows (flower, `inspect`) for the arguments: a count, not
            # hundreds of ids; building the full repr was a quarter of the cost of a message.
            argsrepr=f"[<{len(comment_ids)} comment ids>]",
            kwargsrepr="{}",
            retry=True,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
    except (OperationalError, KombuError, OSError):
        logger.warning(
            "Broker unreachable; %d comment(s) stay queued for the sweep",
            len(comment_ids),
            extra={"comment_ids": comment_ids},
        )
        return False
    return True
