"""Micro-batching of classification messages, with celery-batches.

Intake publishes one message per comment, and a message per task execution cost a fetch, an
update, an audit insert and a commit per comment. celery-batches' `Batches` task class buffers
the messages in the worker's main process and runs the whole buffer as ONE pool job, so a batch
of comments costs one of each. Chosen over workers claiming `queued` rows with `FOR UPDATE SKIP
LOCKED` because the message stays the unit of work: acknowledgement after the decision and
redelivery when a worker dies keep working as they did, on every broker, and the embedded
SQLite set-up (which has no SKIP LOCKED) takes the same path. Claiming rows would also still
run one (empty) task per message.
"""

import logging
from collections.abc import Collection
from typing import Any

from billiard.einfo import ExceptionInfo, ExceptionWithTraceback
from billiard.exceptions import WorkerLostError
from celery import bootsteps
from celery.worker.request import Request
from celery_batches import Batches, SimpleRequest
from celery_batches.trace import apply_batches_task
from flask import Flask

from service.metrics import definitions as metrics

logger = logging.getLogger(__name__)


class ClassificationBatches(Batches):
    """`Batches` sized from the Flask configuration, run inside the app context, and handing
    a batch back to the broker when its pool process dies."""

    @property
    def flask_app(self) -> Flask:
        """The Flask app of this Celery app (service/celery/wiring.py)."""
        return self.app.Task.flask_app

    @property
    def flush_every(self) -> int:
        """Decide a batch as soon as this many messages are buffered."""
        return int(self.flask_app.config["CLASSIFY_BATCH_SIZE"])

    @property
    def flush_interval(self) -> float:
        """...or this often, whatever is buffered."""
        return float(self.flask_app.config["CLASSIFY_BATCH_SECONDS"])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the batch in an app context: the base class replaces the app's FlaskTask."""
        with self.flask_app.app_context():
            return super().__call__(*args, **kwargs)

    def flush(self, requests: Collection[Request]) -> Any:
        """Send the batch to the pool; acknowledge it when it returns, requeue it if the pool
        process running it dies.

        `Batches.flush` gives the pool no error callback, so a batch whose process was killed
        stayed unacknowledged until the broker's visibility timeout; this is Celery's
        `reject_on_worker_lost` for the batch. Every request here is `acks_late` (the task
        is declared so), which is why there is no early-acknowledgement branch.
        """
        batch = list(requests)
        arguments = ([SimpleRequest.from_request(r) for r in batch],)
        comments = sum(len(r.args[0]) for r in arguments[0])
        metrics.CLASSIFICATION_BATCH_SIZE.labels(task=self.name).observe(comments)

        def on_return(_result: object) -> None:
            for request in batch:
                request.acknowledge()

        def on_error(info: ExceptionInfo) -> None:
            error = info.exception
            if isinstance(error, ExceptionWithTraceback):  # as celery's Request.on_failure does
                error = error.exc
            lost = isinstance(error, WorkerLostError)
            logger.warning(
                "Batch of %d message(s) failed in the pool (%r); %s",
                len(batch),
                error,
                "requeued" if lost else "dropped (the sweep sends the comments again)",
            )
            counter = metrics.TASK_RETRIES if lost else metrics.TASK_FAILURES
            counter.labels(task=self.name).inc(len(batch))
            for request in batch:
                request.reject(requeue=lost)

        return self._pool.apply_async(
            apply_batches_task,
            (self, arguments, 0, None),
            callback=on_return,
            error_callback=on_error,
        )


class RestartBatchTimers(bootsteps.StartStopStep):
    """Give every batching task a live flush timer each time the consumer (re)connects.

    `Batches` starts its flush timer with the first buffered message and then only checks that
    it has one. When the broker connection is lost, Celery restarts the consumer and its timer
    loses every entry, but the task still holds the dead one: messages received after a Redis
    restart were buffered and never flushed (tests/integration/workers/test_broker_restarts.py).
    """

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, consumer: Any) -> None:
        """Drop the dead timers; restart one where messages are already waiting."""
        for task in consumer.app.tasks.values():
            if not isinstance(task, Batches):
                continue
            if task._tref is not None:  # celery-batches keeps its timer here
                task._tref.cancel()
            task._tref = None
            if not task._buffer.empty():
                task._tref = consumer.timer.call_repeatedly(
                    task.flush_interval,
                    task._do_flush,
                )
