"""Celery's routine lines about the frequent sweeps stay out of the logs; the rest stays in."""

import logging

import pytest

from service.celery.routine_logs import quiet_routine_task_logs
from service.names import TaskNames

TRACE = logging.getLogger("celery.app.trace")
BEAT = logging.getLogger("celery.beat")


@pytest.fixture(autouse=True)
def quiet(caplog: pytest.LogCaptureFixture) -> None:
    quiet_routine_task_logs()
    caplog.set_level(logging.INFO)


def test_a_sweeps_received_and_succeeded_lines_are_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    TRACE.info(
        "Task %(name)s[%(id)s] succeeded", {"name": TaskNames.SWEEP_QUEUED_COMMENTS, "id": 1}
    )
    BEAT.info("Scheduler: Sending due task %s (%s)", "sweep", TaskNames.SWEEP_WEBHOOK_DELIVERIES)
    assert caplog.records == []


def test_other_tasks_and_a_sweeps_failure_are_still_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    TRACE.info("Task %(name)s[%(id)s] succeeded", {"name": TaskNames.CLASSIFY_COMMENTS, "id": 2})
    TRACE.error("Task %(name)s[%(id)s] raised", {"name": TaskNames.SWEEP_QUEUED_COMMENTS, "id": 3})
    BEAT.info("Scheduler: Sending due task %s (%s)", "retrain", TaskNames.RETRAIN_SITE_CLASSIFIERS)
    assert [record.levelname for record in caplog.records] == ["INFO", "ERROR", "INFO"]


def test_attaching_twice_adds_one_filter() -> None:
    quiet_routine_task_logs()
    quiet_routine_task_logs()
    assert len(TRACE.filters) == 1
