"""Configuration: defaults here, environment variables for deployment, overrides from tests.

Precedence, lowest first: `Config` defaults, `DATABASE_URL`/`REDIS_URL`, `MODERATO_*`
environment variables, then the mapping passed to `create_app`.
"""

import os
from pathlib import Path
from typing import Any

from service.names import Queues, TaskNames

ENV_PREFIX = "MODERATO"


class Config:
    """Defaults: the embedded set-up (SQLite and a file-system broker), no server needed."""

    SECRET_KEY = None  # no sessions or cookies yet; API keys are the only credentials
    # How long a process may use a key it resolved before looking it up again.
    KEY_CACHE_SECONDS = 10.0
    MAX_CONTENT_LENGTH = 64 * 1024  # the contract: bodies over 64 KiB get a 413
    # Paths with a body limit of their own, by prefix (the Akismet process sets its routes').
    MAX_CONTENT_LENGTH_BY_PATH: dict[str, int] = {}
    # The Akismet routes take form bodies as WordPress sends them: the comment twice
    # (`comment_content` and `POST_comment`), up to 65,525 bytes each, which URL-encoding can
    # triple (every byte of a non-ASCII character is %XX), plus every request header:
    # 2 x 196,575 + headers fits in 512 KiB. Only these routes; the JSON API keeps 64 KiB.
    AKISMET_MAX_CONTENT_LENGTH = 512 * 1024
    MAX_URL_LENGTH = 4096  # longer request targets get a 414 (gunicorn's own line limit: 4094)
    # No ping before each checkout: it is a round trip on every request (a sixth of intake's
    # time). A connection the server dropped fails once instead, SQLAlchemy then discards
    # every pooled connection older than the failure ("optimistic" disconnect handling), and
    # that one request gets a 503 with Retry-After (service/database.py) that clients retry.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": False}

    # Where embedded-mode files live (SQLite database, file-system broker); None: instance/.
    DATA_DIR: str | None = None
    DATABASE_URL: str | None = None
    BROKER_URL: str | None = None  # Redis, RabbitMQ, ...; REDIS_URL is the usual way to set it

    # Classification
    CLASSIFIER_BACKEND = "sklearn"  # "sklearn" (versions stored in the database), "keyword",
    # or "package.module:factory" returning a Classifier
    CLASSIFIER_REFRESH_SECONDS = 10.0  # how often a worker looks for a newly activated version
    CLASSIFIER_CACHE_SIZE = 8  # versions a worker process keeps loaded (about 10 MB each)

    # Classification in batches (workers/batching.py): a worker gathers classification
    # messages and decides them in one go, once CLASSIFY_BATCH_SIZE have arrived or
    # CLASSIFY_BATCH_SECONDS have passed since the last batch, whichever comes first.
    CLASSIFY_BATCH_SIZE = 200
    CLASSIFY_BATCH_SECONDS = 0.05
    CLASSIFY_MAX_RETRIES = 5  # a failed batch is sent again this often, then held for a human
    CLASSIFY_RETRY_SECONDS = 1.0  # the first back-off; it doubles on every retry, up to 60 s

    # Reliability
    # New comments' classification messages are sent in batches gathered over this window, off
    # the request path (service/moderation/publisher.py); 0 publishes inline.
    PUBLISH_WINDOW_SECONDS = 0.02
    SWEEP_INTERVAL_SECONDS = 30.0  # how often beat runs the sweep
    SWEEP_AFTER_SECONDS = 120.0  # a comment queued longer than this is sent again
    SWEEP_MAX_REQUEUES = 5  # then it is held for a human: something keeps killing its task
    SWEEP_BATCH_SIZE = 500
    VISIBILITY_TIMEOUT_SECONDS = 600  # Redis: an unacknowledged task is redelivered after this
    DATABASE_RETRY_AFTER_SECONDS = 5  # the Retry-After of a 503 while the database is down
    IDEMPOTENCY_TTL_SECONDS = 24 * 3600  # an Idempotency-Key may be used again after this
    IDEMPOTENCY_PURGE_INTERVAL_SECONDS = 3600  # how often beat deletes expired keys
    WORKER_HEARTBEAT_SECONDS = 10.0  # how often a worker says it is alive (3 missed: gone)
    READY_MAX_QUEUED_AGE_SECONDS = 300.0  # /readyz?deep=1: oldest queued comment may wait this
    WORKER_SHUTDOWN_GRACE_SECONDS = 5.0  # on SIGTERM, running tasks get this long, then requeue

    # Learning from moderators
    RETRAIN_INTERVAL_SECONDS = 6 * 3600  # how often beat looks for sites to retrain
    RETRAIN_MIN_LABELS = 50  # a site needs this many moderator decisions to get its own
    RETRAIN_HOLDOUT_FRACTION = 0.2  # the most recent labels that judge a candidate...
    RETRAIN_MIN_HOLDOUT = 10  # ...but never fewer than this


def normalise_database_url(url: str) -> str:
    """Accept the `postgres://` and `postgresql://` forms that hosting platforms hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_environment(config: dict[str, Any]) -> None:
    """Apply the two conventional variables that are not prefixed."""
    if os.environ.get("DATABASE_URL"):
        config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        config["BROKER_URL"] = os.environ["REDIS_URL"]


def finalise(config: dict[str, Any], instance_path: str) -> None:
    """Derive the settings that depend on others: database URI and the Celery mapping."""
    data_dir = Path(config["DATA_DIR"] or instance_path)
    config["DATA_DIR"] = str(data_dir)
    if "SQLALCHEMY_DATABASE_URI" not in config:
        url = config["DATABASE_URL"] or f"sqlite:///{data_dir / 'moderato.db'}"
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite: the web process and the worker write to one file; wait for locks, don't fail.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    config.setdefault("CELERY", celery_settings(config, data_dir))


def celery_settings(config: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    """The Celery configuration, in its lower-case setting names."""
    broker_url = config["BROKER_URL"] or "filesystem://"
    settings: dict[str, Any] = {
        "broker_url": broker_url,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        # A task is acknowledged when it has finished, and requeued if its worker dies.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # Enough unacknowledged messages per pool process for a full batch to gather while
        # the previous one is being decided (celery-batches buffers what was prefetched).
        "worker_prefetch_multiplier": 2 * int(config["CLASSIFY_BATCH_SIZE"]),
        # Bounds the shutdown a SIGTERM starts (see WORKER_ENVIRONMENT in service/processes.py).
        "worker_soft_shutdown_timeout": float(config["WORKER_SHUTDOWN_GRACE_SECONDS"]),
        "task_default_queue": Queues.MODERATION,
        "task_routes": {
            "moderation.*": {"queue": Queues.MODERATION},
            "maintenance.*": {"queue": Queues.MAINTENANCE},
        },
        "beat_schedule": {
            "sweep-queued-comments": {
                "task": TaskNames.SWEEP_QUEUED_COMMENTS,
                "schedule": float(config["SWEEP_INTERVAL_SECONDS"]),
                # A run still queued when the next is due (the workers were down) is discarded,
                # so an outage leaves one sweep to run afterwards, not one per interval.
                "options": {"expires": float(config["SWEEP_INTERVAL_SECONDS"])},
            },
            "purge-idempotency-keys": {
                "task": TaskNames.PURGE_IDEMPOTENCY_KEYS,
                "schedule": float(config["IDEMPOTENCY_PURGE_INTERVAL_SECONDS"]),
            },
            "retrain-site-classifiers": {
                "task": TaskNames.RETRAIN_SITE_CLASSIFIERS,
                "schedule": float(config["RETRAIN_INTERVAL_SECONDS"]),
            },
        },
        "beat_schedule_filename": str(data_dir / "celerybeat-schedule"),
        "worker_hijack_root_logger": False,
        # No "imports": the worker entry point (workers/celery_app.py) imports workers.tasks
        # itself, and the web process must never import it.
    }
    if broker_url.startswith("filesystem://"):
        settings["broker_transport_options"] = filesystem_broker_options(data_dir)
        # The file-system transport has no broadcast: no remote control, gossip or mingle.
        settings["worker_enable_remote_control"] = False
    else:
        settings["broker_transport_options"] = {
            "visibility_timeout": int(config["VISIBILITY_TIMEOUT_SECONDS"]),
        }
    return settings


def filesystem_broker_options(data_dir: Path) -> dict[str, Any]:
    """Folders for Kombu's file-system transport: the embedded broker needs no server.

    All three live under the data directory. Kombu's default control folder is "control"
    relative to the current directory, which left exchange tables in whatever folder the
    service was started from and split the embedded broker when two processes had different
    working directories.
    """
    queue_dir = data_dir / "broker" / "queue"
    processed_dir = data_dir / "broker" / "processed"
    control_dir = data_dir / "broker" / "control"
    for folder in (queue_dir, processed_dir, control_dir):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "control_folder": str(control_dir),
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(processed_dir),
        "store_processed": False,
    }
