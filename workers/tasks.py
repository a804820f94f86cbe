"""Celery tasks. Thin: they take ids, call one service function, and handle retries."""

import logging
from typing import Any

from celery import Task, shared_task

from service.learning import retraining
from service.learning.classifiers import get_classifiers
from service.moderation import classify, idempotency, sweep
from service.names import TaskNames

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
RETRY_BACKOFF_CAP_SECONDS = 60

CLASSIFY_OPTIONS: dict[str, Any] = {
    "bind": True,
    "max_retries": MAX_RETRIES,
    "acks_late": True,  # acknowledged only once the comment is decided...
    "reject_on_worker_lost": True,  # ...and redelivered if the worker dies mid-task
}


@shared_task(name=TaskNames.CLASSIFY_COMMENTS, **CLASSIFY_OPTIONS)
def classify_comments(self: Task, comment_ids: list[int]) -> None:
    """Classify comments in one vectorised call and decide them."""
    run_classification(self, comment_ids)


@shared_task(name=TaskNames.SWEEP_QUEUED_COMMENTS, ignore_result=True)
def sweep_queued_comments() -> None:
    """Send comments stuck in `queued` to the workers again (run by beat)."""
    sweep.sweep_queued_comments()


@shared_task(name=TaskNames.PURGE_IDEMPOTENCY_KEYS, ignore_result=True)
def purge_idempotency_keys() -> None:
    """Delete Idempotency-Keys older than IDEMPOTENCY_TTL_SECONDS (run by beat)."""
    idempotency.purge_expired_keys()


@shared_task(name=TaskNames.RETRAIN_SITE_CLASSIFIERS, ignore_result=True)
def retrain_site_classifiers() -> None:
    """Start one retraining task per site with new labels, so one failing site does not stop
    the others (run by beat)."""
    for site_id in retraining.site_ids_due_for_retraining():
        retrain_site_classifier.delay(site_id)


@shared_task(name=TaskNames.RETRAIN_SITE_CLASSIFIER, ignore_result=True)
def retrain_site_classifier(site_id: int) -> None:
    """Retrain one site's classifier and promote the candidate if it is no worse."""
    retraining.retrain_site_classifier_by_id(site_id)


def run_classification(task: Task, comment_ids: list[int]) -> None:
    """Classify with bounded retries; when they run out, a human decides."""
    try:
        classify.classify_comments(comment_ids, get_classifiers())
    except Exception as error:
        # Deliberately broad: whatever went wrong, the comment must end in a defined state.
        retries = task.request.retries
        if retries >= MAX_RETRIES:
            logger.exception(
                "Classification failed %d times; holding for review",
                retries + 1,
                extra={"comment_ids": comment_ids},
            )
            classify.give_up_on(comment_ids, reason="classification_failed")
            return
        logger.warning(
            "Classification failed (%s); retry %d of %d",
            type(error).__name__,
            retries + 1,
            MAX_RETRIES,
            extra={"comment_ids": comment_ids},
        )
        raise task.retry(exc=error, countdown=min(2**retries, RETRY_BACKOFF_CAP_SECONDS)) from error
