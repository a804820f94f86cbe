"""Worker entry point: `celery -A workers.celery_app worker` (and `beat`)."""

import atexit

from service.metrics import multiprocess_dir as metrics_dir

# Before anything imports prometheus_client (the imports below do): the worker's pool
# processes then share their metrics through files; see service/metrics/multiprocess_dir.py.
METRICS_DIR = metrics_dir.use_multiprocess_mode()
atexit.register(metrics_dir.remove_if_owned, METRICS_DIR)  # pool processes never run atexit

from celery.signals import worker_process_init  # noqa: E402

import workers.tasks  # noqa: E402, F401 - registers the tasks on the app
from service import create_app  # noqa: E402
from service.celery.heartbeats import heartbeat_step  # noqa: E402
from service.celery.routine_logs import quiet_routine_task_logs  # noqa: E402
from service.extensions import db  # noqa: E402
from service.serving.heap import freeze_startup_objects  # noqa: E402
from workers.batching import RestartBatchTimers  # noqa: E402
from workers.metrics import metrics_server_step  # noqa: E402

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.steps["worker"].add(heartbeat_step(flask_app.config))
celery_app.steps["worker"].add(metrics_server_step(flask_app.config))
celery_app.steps["consumer"].add(RestartBatchTimers)
quiet_routine_task_logs()
# Before the pool forks, so the pool processes inherit the frozen heap (service/serving/heap.py).
freeze_startup_objects()


@worker_process_init.connect
def reset_database_pool(**_: object) -> None:
    """A forked pool process must not reuse connections it inherited from its parent."""
    with flask_app.app_context():
        db.engine.dispose(close=False)
