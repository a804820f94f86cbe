"""Worker entry point: `celery -A workers.celery_app worker` (and `beat`)."""

from celery.signals import worker_process_init

import workers.tasks  # noqa: F401 - registers the tasks on the app
from service import create_app
from service.extensions import db
from service.heartbeats import heartbeat_step
from workers.batching import RestartBatchTimers

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.steps["worker"].add(heartbeat_step(flask_app.config))
celery_app.steps["consumer"].add(RestartBatchTimers)


@worker_process_init.connect
def reset_database_pool(**_: object) -> None:
    """A forked pool process must not reuse connections it inherited from its parent."""
    with flask_app.app_context():
        db.engine.dispose(close=False)
