"""Celery's INFO lines about the frequent sweeps, left out of the logs.

Beat sends the sweeps every few seconds, and for each the worker logs that it received it and
that it succeeded: six lines or more every ten seconds that say nothing, which buried every
other line (and `moderato serve`'s banner) within a minute. Failures are still logged (at
ERROR, by Celery), and so is what a sweep does when it finds work (by the sweep's own
logger); other tasks' lines are untouched.
"""

import logging

from service.names import TaskNames

# The tasks beat sends more often than once a minute.
ROUTINE_TASKS = (TaskNames.SWEEP_QUEUED_COMMENTS, TaskNames.SWEEP_WEBHOOK_DELIVERIES)
# Where Celery logs "Scheduler: Sending due task", "Task ... received" and "... succeeded".
CELERY_LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace")


class RoutineTaskFilter(logging.Filter):
    """Drops records at INFO and below that name a routine task."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        return not any(task in message for task in ROUTINE_TASKS)


def quiet_routine_task_logs() -> None:
    """Attach the filter to Celery's loggers, once per process."""
    for name in CELERY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RoutineTaskFilter) for f in logger.filters):
            logger.addFilter(RoutineTaskFilter())
