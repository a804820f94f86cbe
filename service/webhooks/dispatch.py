"""Handing deliveries to the webhook workers, after the transaction that wrote them commits.

One message per endpoint, keyed by its id: the task sends whatever that endpoint has due, in
order. A failure to publish is logged, never raised: the deliveries are stored and the sweep
sends them once the broker is back.
"""

import logging
from collections.abc import Iterable

from flask import current_app
from kombu.exceptions import KombuError, OperationalError

from service.names import TaskNames

logger = logging.getLogger(__name__)

# As for classification: one quick second try for a stale connection, no more.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def enqueue_deliveries(endpoint_ids: Iterable[int], countdown: float | None = None) -> bool:
    """Send one delivery task per endpoint; False if the broker could not be reached."""
    celery = current_app.extensions["celery"]
    ids = list(endpoint_ids)
    try:
        for endpoint_id in ids:
            celery.send_task(
                TaskNames.DELIVER_WEBHOOKS,
                args=[endpoint_id],
                countdown=countdown,
                retry=True,
                retry_policy=PUBLISH_RETRY_POLICY,
            )
    except (OperationalError, KombuError, OSError):
        logger.warning(
            "Broker unreachable; webhook deliveries wait for the sweep",
            extra={"endpoint_ids": ids},
        )
        return False
    return True
