"""Celery tasks. Thin: they take ids and call the service layer."""

import logging
from typing import Any

from celery import Task, shared_task

from service.services import classification, retraining, sweep
from workers.classifiers import get_classifiers

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
RETRY_BACKOFF_CAP_SECONDS = 60

CLASSIFY_OPTIONS: dict[str, Any] = {
    "bind": True,
    "max_retries": MAX_RETRIES,
    "acks_late": True,  # acknowledged only once the comment is decided...
    "reject_on_worker_lost": True,  # ...and redelivered if the worker dies mid-task
}


@shared_task(name="moderation.classify_comment", **CLASSIFY_OPTIONS)
def classify_comment(self: Task, comment_id: int) -> None:
    """Classify one comment and decide it."""
    run_classification(self, [comment_id])


@shared_task(name="moderation.classify_comments", **CLASSIFY_OPTIONS)
def classify_comments(self: Task, comment_ids: list[int]) -> None:
    """Classify several comments in one vectorised call and decide them."""
    run_classification(self, comment_ids)


@shared_task(name="maintenance.sweep_queued_comments", ignore_result=True)
def sweep_queued_comments() -> None:
    """Send comments stuck in `queued` to the workers again (run by beat)."""
    sweep.sweep_queued_comments()


@shared_task(name="maintenance.retrain_site_classifiers", ignore_result=True)
def retrain_site_classifiers() -> None:
    """Retrain, and promote if no worse, the classifier of every site with new labels."""
    for site in retraining.sites_due_for_retraining():
        retraining.retrain_site_classifier(site)


def run_classification(task: Task, comment_ids: list[int]) -> None:
    """Classify with bounded retries; when they run out, a human decides."""
    try:
        classification.classify_comments(comment_ids, get_classifiers())
    except Exception as error:
        # Deliberately broad: whatever went wrong, the comment must end in a defined state.
        retries = task.request.retries
        if retries >= MAX_RETRIES:
            logger.exception(
                "Classification failed %d times; holding for review",
                retries + 1,
                extra={"comment_ids": comment_ids},
            )
            classification.hold_for_review(comment_ids, reason="classification_failed")
            return
        logger.warning(
            "Classification failed (%s); retry %d of %d",
            type(error).__name__,
            retries + 1,
            MAX_RETRIES,
            extra={"comment_ids": comment_ids},
        )
        raise task.retry(exc=error, countdown=min(2**retries, RETRY_BACKOFF_CAP_SECONDS)) from error
