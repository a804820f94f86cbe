"""The folder in which a server's processes share their metrics (prometheus_client's
multiprocess mode), chosen before prometheus_client is imported.

prometheus_client decides once, when it is first imported, whether values live in memory or
in files under PROMETHEUS_MULTIPROC_DIR; the processes gunicorn and Celery fork inherit that
choice. So the folder must be in the environment before anything imports
`service.metrics.definitions`: `moderato` (service/cli.py), the gunicorn configuration
(service/serving/gunicorn_config.py) and the worker entry point (workers/celery_app.py) call
`use_multiprocess_mode` first thing.

Without PROMETHEUS_MULTIPROC_DIR each server start gets a new temporary folder, shared by the
processes it starts and removed when it stops; that is the "wipe it between runs" the library
asks for, and two servers on one machine never share one. A folder the operator sets is used
as it is and emptied when gunicorn or `moderato worker` starts. This module must not import
prometheus_client.
"""

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

ENV = "PROMETHEUS_MULTIPROC_DIR"
# In a folder this module created: the id of the process that owns it (and removes it).
OWNER_FILE = ".moderato-owner"


def use_multiprocess_mode() -> Path | None:
    """The multiprocess folder of this process and its children, created if need be.

    None if prometheus_client is already imported without one: that process chose memory.
    """
    if os.environ.get(ENV):
        path = Path(os.environ[ENV])
        path.mkdir(parents=True, exist_ok=True)
        return path
    if "prometheus_client" in sys.modules:
        return None
    path = Path(tempfile.mkdtemp(prefix="moderato-metrics-"))
    (path / OWNER_FILE).write_text(str(os.getpid()))
    os.environ[ENV] = str(path)
    return path


def empty(path: Path) -> None:
    """Delete the metric files of earlier runs (never our own: call before recording)."""
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def remove_if_owned(path: Path | None) -> None:
    """Remove a temporary folder if this process created it (its children leave it)."""
    if path is None:
        return
    try:
        owner = (path / OWNER_FILE).read_text().strip()
    except OSError:
        return  # the operator's folder, or removed already
    if owner == str(os.getpid()):
        shutil.rmtree(path, ignore_errors=True)
