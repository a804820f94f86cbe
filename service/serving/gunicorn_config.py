"""gunicorn's configuration hooks (`--config python:service.serving.gunicorn_config`): the
metrics folder that gunicorn's worker processes share (service/metrics_dir.py).

gunicorn reads this module's public names as settings, so it defines only hooks. The master
never imports the app (no `--preload`), so it can still choose the folder before any worker
imports prometheus_client.
"""

from typing import Any

from service import metrics_dir


def on_starting(server: Any) -> None:
    """Before the first worker is forked: a folder for this run, empty."""
    path = metrics_dir.use_multiprocess_mode()
    if path is not None:
        metrics_dir.empty(path)


def child_exit(server: Any, worker: Any) -> None:
    """A worker process ended: drop its live gauges (its counters stay, as they must)."""
    from prometheus_client import multiprocess  # in the master, once the folder is set

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """The master stops: remove the folder if it was a temporary one of this run."""
    path = metrics_dir.use_multiprocess_mode()
    metrics_dir.remove_if_owned(path)
