"""gunicorn's configuration (`--config python:service.serving.gunicorn_config`): the metrics
folder that gunicorn's worker processes share (service/metrics/multiprocess_dir.py).

The folder is chosen when gunicorn reads this module, which it does before it loads the worker
class: ours (service/serving/gunicorn_workers.py) imports the API's error module, and with it
prometheus_client, in the master. gunicorn reads this module's names as settings, so apart from
its hooks it defines only names starting with an underscore.
"""

from typing import Any

from service.metrics import multiprocess_dir as metrics_dir

_FOLDER = metrics_dir.use_multiprocess_mode()
if _FOLDER is not None:
    metrics_dir.empty(_FOLDER)  # a run starts from zero (an operator's folder may hold files)


def child_exit(server: Any, worker: Any) -> None:
    """A worker process ended: drop its live gauges (its counters stay, as they must)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """The master stops: remove the folder if it was a temporary one of this run."""
    metrics_dir.remove_if_owned(_FOLDER)
