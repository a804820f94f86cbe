"""Celery tasks. Thin: they take ids, call one service function, and handle retries."""

import logging

from celery import shared_task
from celery_batches import SimpleRequest
from flask import current_app

from service.extensions import db
from service.learning import retraining
from service.learning.classifiers import get_classifiers
from service.metrics import definitions as metrics
from service.moderation import classify
from service.moderation.intake import idempotency, sweep
from service.names import TaskNames
from service.webhooks import deliveries, delivery, dispatch
from service.webhooks import sweep as webhook_sweep
from workers.batching import ClassificationBatches

logger = logging.getLogger(__name__)

RETRY_BACKOFF_CAP_SECONDS = 60
# A backstop above the attempt's own timeouts (WEBHOOK_TIMEOUT_SECONDS per request) for a run
# of up to WEBHOOK_BATCH_SIZE deliveries; the lease of an interrupted attempt simply expires.
WEBHOOK_RUN_TIME_LIMIT_SECONDS = 600


# A batch task: each call receives the buffered requests (messages), not one message's ids.
@shared_task(name=TaskNames.CLASSIFY_COMMENTS, base=ClassificationBatches, acks_late=True)
def classify_comments(requests: list[SimpleRequest]) -> None:
    """Classify the comments of many messages in one vectorised call and decide them."""
    for group in failure_groups(requests):
        classify_group(group)


@shared_task(name=TaskNames.SWEEP_QUEUED_COMMENTS, ignore_result=True)
def sweep_queued_comments() -> None:
    """Send comments stuck in `queued` to the workers again (run by beat)."""
    sweep.sweep_queued_comments()


@shared_task(
    name=TaskNames.DELIVER_WEBHOOKS,
    ignore_result=True,
    acks_late=True,
    soft_time_limit=WEBHOOK_RUN_TIME_LIMIT_SECONDS,
)
def deliver_webhooks(endpoint_id: int) -> None:
    """Send an endpoint's due webhook deliveries in order; retries wait for the sweep."""
    run = delivery.deliver_due(endpoint_id)
    if run.more:  # make way for other endpoints' tasks, then go on
        dispatch.enqueue_deliveries([endpoint_id])


@shared_task(name=TaskNames.SWEEP_WEBHOOK_DELIVERIES, ignore_result=True)
def sweep_webhook_deliveries() -> None:
    """Send due webhook retries and deliveries whose message was lost (run by beat)."""
    webhook_sweep.sweep_deliveries()


@shared_task(name=TaskNames.PURGE_WEBHOOK_DELIVERIES, ignore_result=True)
def purge_webhook_deliveries() -> None:
    """Delete finished webhook deliveries past WEBHOOK_RETENTION_DAYS (run by beat)."""
    deliveries.purge_old_deliveries()


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


def failure_groups(requests: list[SimpleRequest]) -> list[list[SimpleRequest]]:
    """First-time requests as one group; each retried request alone.

    A batch that failed is retried message by message, so one comment that breaks the
    classifier is held for a human alone, not with the comments it happened to arrive with.
    """
    fresh = [request for request in requests if attempt_of(request) == 0]
    retried = [[request] for request in requests if attempt_of(request) > 0]
    return ([fresh] if fresh else []) + retried


def attempt_of(request: SimpleRequest) -> int:
    """How many times this request's comments failed before (0: sent by intake or sweep)."""
    return int(request.kwargs.get("attempt", 0))


def ids_of(requests: list[SimpleRequest]) -> list[int]:
    """The comment ids of all the requests, each message's `comment_ids` argument."""
    return [comment_id for request in requests for comment_id in request.args[0]]


def classify_group(group: list[SimpleRequest]) -> None:
    """Classify one group; if it fails, send each request again later or hold it for review."""
    try:
        classify.classify_comments(ids_of(group), get_classifiers())
    except Exception as error:
        # Deliberately broad: whatever went wrong, the comments must end in a defined state.
        db.session.rollback()
        for request in group:
            retry_or_hold(request, error)


def retry_or_hold(request: SimpleRequest, error: Exception) -> None:
    """Bounded retries with exponential back-off; when they run out, a human decides."""
    comment_ids, attempt = ids_of([request]), attempt_of(request)
    config = current_app.config
    if attempt >= int(config["CLASSIFY_MAX_RETRIES"]):
        logger.error(
            "Classification failed %d times (%s); holding for review",
            attempt + 1,
            type(error).__name__,
            exc_info=error,
            extra={"comment_ids": comment_ids},
        )
        classify.give_up_on(comment_ids, reason="classification_failed")
        metrics.TASK_FAILURES.labels(task=TaskNames.CLASSIFY_COMMENTS).inc()
        return
    delay = min(float(config["CLASSIFY_RETRY_SECONDS"]) * 2**attempt, RETRY_BACKOFF_CAP_SECONDS)
    logger.warning(
        "Classification failed (%s); retry %d of %d in %.1f s",
        type(error).__name__,
        attempt + 1,
        config["CLASSIFY_MAX_RETRIES"],
        delay,
        extra={"comment_ids": comment_ids},
    )
    # celery-batches holds a message with an ETA in the worker until it is due. If this publish
    # fails too (broker down), the comments stay queued and the sweep sends them again.
    classify_comments.apply_async(
        args=[comment_ids], kwargs={"attempt": attempt + 1}, countdown=delay
    )
    # Retried by hand (a batch task cannot `self.retry` one message), so counted here.
    metrics.TASK_RETRIES.labels(task=TaskNames.CLASSIFY_COMMENTS).inc()
