"""Worker heartbeats: every worker process records that it is alive; `/readyz?deep=1` counts
the workers that did so recently.

Where the beats go depends on the broker, so that the web process can read them wherever the
workers run: with a Redis broker, a sorted set in that Redis (hostname -> time of the last
beat); with the embedded file-system broker (one machine, no broadcast), one file per worker
under DATA_DIR/heartbeats, its modification time being the last beat. Hand-rolled rather than
Celery's `inspect ping` because that needs broadcast (absent from the file-system transport)
and waits a full second per probe for the replies.
"""

import logging
import time
from pathlib import Path
from typing import Any

import redis
from celery import bootsteps

logger = logging.getLogger(__name__)

REDIS_KEY = "moderato:worker-heartbeats"
TIMEOUT_SECONDS = 0.5  # a probe must answer quickly while Redis is down
MISSED_BEATS = 3  # a worker is gone once this many beats are missing


def record_heartbeat(config: dict[str, Any], hostname: str) -> None:
    """Note that the worker `hostname` is alive now."""
    now = time.time()
    if uses_redis(config):
        redis_client(config).zadd(REDIS_KEY, {hostname: now})
    else:
        path = heartbeat_dir(config) / hostname
        path.touch()


def forget_heartbeat(config: dict[str, Any], hostname: str) -> None:
    """The worker `hostname` stopped cleanly: stop counting it at once."""
    if uses_redis(config):
        redis_client(config).zrem(REDIS_KEY, hostname)
    else:
        (heartbeat_dir(config) / hostname).unlink(missing_ok=True)


def count_live_workers(config: dict[str, Any]) -> int:
    """Workers whose last beat is recent; raises if the store cannot be read."""
    since = time.time() - MISSED_BEATS * float(config["WORKER_HEARTBEAT_SECONDS"])
    if uses_redis(config):
        client = redis_client(config)
        client.zremrangebyscore(REDIS_KEY, "-inf", since)  # workers killed without a goodbye
        return int(client.zcard(REDIS_KEY))
    return sum(1 for path in heartbeat_dir(config).iterdir() if path.stat().st_mtime >= since)


def uses_redis(config: dict[str, Any]) -> bool:
    """True if the broker is Redis, which then holds the heartbeats too."""
    return str(config["CELERY"]["broker_url"]).startswith(("redis://", "rediss://"))


def redis_client(config: dict[str, Any]) -> redis.Redis:
    """A client of the broker's Redis that fails fast: short timeouts, no retries."""
    return redis.Redis.from_url(
        config["CELERY"]["broker_url"],
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        retry=None,
    )


def heartbeat_dir(config: dict[str, Any]) -> Path:
    """The folder of file heartbeats (embedded mode)."""
    path = Path(config["DATA_DIR"]) / "heartbeats"
    path.mkdir(parents=True, exist_ok=True)
    return path


def heartbeat_step(config: dict[str, Any]) -> type[bootsteps.StartStopStep]:
    """A worker bootstep that beats every WORKER_HEARTBEAT_SECONDS from the worker's own
    timer (so a worker whose main loop is stuck stops beating) and says goodbye on stop."""

    class Heartbeat(bootsteps.StartStopStep):
        requires = {"celery.worker.components:Timer"}

        def __init__(self, worker: Any, **kwargs: Any) -> None:
            super().__init__(worker, **kwargs)
            self.timer_ref: Any = None

        def start(self, worker: Any) -> None:
            self.beat(worker.hostname)
            self.timer_ref = worker.timer.call_repeatedly(
                float(config["WORKER_HEARTBEAT_SECONDS"]), self.beat, (worker.hostname,)
            )

        def stop(self, worker: Any) -> None:
            if self.timer_ref is not None:
                self.timer_ref.cancel()
            try:
                forget_heartbeat(config, worker.hostname)
            except Exception:  # the beat just expires instead
                logger.warning("Could not remove the worker heartbeat", exc_info=True)

        def beat(self, hostname: str) -> None:
            try:
                record_heartbeat(config, hostname)
            except Exception:  # a missed beat shows in /readyz; the worker carries on
                logger.warning("Could not record the worker heartbeat", exc_info=True)

    return Heartbeat
