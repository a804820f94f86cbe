"""Configuration: defaults here, environment variables for deployment, overrides from tests.

Precedence, lowest first: `Config` defaults, `DATABASE_URL`/`REDIS_URL`, `MODERATO_*`
environment variables, then the mapping passed to `create_app`.
"""

import hashlib
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import orjson

from service.celery import filesystem_transport, redis_transport
from service.names import Queues, TaskNames

ENV_PREFIX = "MODERATO"


class Config:
    """Defaults: the embedded set-up (SQLite and a file-system broker), no server needed."""

    # Signs the web UI's session cookie and CSRF tokens. Set MODERATO_SECRET_KEY in production
    # (the same value in every web process); unset, one is made once and kept in the data
    # directory (instance/secret_key), which serves `moderato serve` and one host's processes.
    SECRET_KEY: str | None = None
    SESSION_COOKIE_NAME = "moderato_session"
    SESSION_COOKIE_SAMESITE = "Lax"  # (HttpOnly is Flask's default; Secure: WEB_COOKIE_SECURE)
    # CSRF is checked by the web UI's blueprint only (service/web/errors.py): the JSON API is
    # called with bearer keys, never cookies, so a forged cross-site request has no credential.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # a token is valid as long as its session
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

    # The moderator web UI (service/web)
    # The session cookie's Secure flag: True or False, or None for "when the request is HTTPS".
    WEB_COOKIE_SECURE: bool | None = None
    # How many reverse proxies in front of Moderato set X-Forwarded-For and -Proto. With 0 the
    # headers are ignored (a client could forge them); behind one proxy, 1 makes the client's
    # address (the failed-login limit counts it) and the HTTPS of the request the real ones.
    PROXY_HOPS = 0
    WEB_DEFAULT_LOCALE = "it"  # when neither the moderator nor Accept-Language chooses
    WEB_PAGE_SIZE = 50  # comments on a page of the queue
    WEB_POLL_SECONDS = 5.0  # how often an open queue page asks for new and decided comments
    WEB_LOGIN_MAX_FAILURES = 5  # failed logins per name (and address) within the window...
    WEB_LOGIN_MAX_FAILURES_PER_ADDRESS = 20  # ...and per address, whatever the name
    WEB_LOGIN_WINDOW_SECONDS = 15 * 60.0

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
    # New comments' classification messages are sent off the request path, at most one per
    # this window and web process (service/moderation/intake/publisher.py); 0 publishes inline.
    PUBLISH_WINDOW_SECONDS = 0.05
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

    # Webhooks (service/webhooks). By default no delivery goes to a private, loopback,
    # link-local or otherwise non-public address (SSRF); True allows them (tests, a receiver
    # on a private network).
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    WEBHOOK_CONNECT_TIMEOUT_SECONDS = 3.0
    WEBHOOK_TIMEOUT_SECONDS = 10.0  # one attempt, connecting and waiting for the answer
    # https receivers are checked against the system's trusted CAs, or this PEM bundle's (a
    # private CA, tests).
    WEBHOOK_CA_CERTS: str | None = None
    # Attempts per delivery, then it is `failed`. The back-off starts at WEBHOOK_RETRY_SECONDS
    # and doubles: 11 attempts at 90 s span about 25.6 hours.
    WEBHOOK_MAX_ATTEMPTS = 11
    WEBHOOK_RETRY_SECONDS = 90.0
    WEBHOOK_BATCH_SIZE = 100  # deliveries one task sends before it makes way for others
    # How long a process trusts its list of the sites that have endpoints (the gate reads it
    # on every change; a site without endpoints then costs nothing). A new endpoint gets the
    # events of changes made at most this long after it was added.
    WEBHOOK_SUBSCRIPTIONS_CACHE_SECONDS = 5.0
    WEBHOOK_SWEEP_INTERVAL_SECONDS = 10.0  # beat sends due retries and lost deliveries
    WEBHOOK_SWEEP_AFTER_SECONDS = 30.0  # a new delivery still unsent after this was lost
    WEBHOOK_RETENTION_DAYS = 30.0  # delivered and failed deliveries are kept this long
    WEBHOOK_PURGE_INTERVAL_SECONDS = 3600.0  # how often beat deletes older ones

    # Metrics (docs/metrics.md). `/metrics` and a worker's metrics port answer only a scraper
    # sending `Authorization: Bearer <token>`; with no token set they are off. Set the token
    # (it is hashed at start-up and only the hash is kept) or its SHA-256 in hex.
    METRICS_TOKEN: str | None = None
    METRICS_TOKEN_SHA256: str | None = None
    METRICS_TOKEN_MIN_LENGTH = 16
    # A worker serves its own metrics (its processes' and nothing else) on this port, so that a
    # worker on a machine without the web process can be scraped; None: not served.
    WORKER_METRICS_PORT: int | None = None
    WORKER_METRICS_HOST = "0.0.0.0"  # noqa: S104 - a scrape comes from another machine

    # Learning from moderators
    RETRAIN_INTERVAL_SECONDS = 6 * 3600  # how often beat looks for sites to retrain
    RETRAIN_MIN_LABELS = 50  # a site needs this many moderator decisions to get its own
    RETRAIN_HOLDOUT_FRACTION = 0.2  # the most recent labels that judge a candidate...
    RETRAIN_MIN_HOLDOUT = 10  # ...but never fewer than this

    # Moderators' decisions
    UNDO_WINDOW_SECONDS = 10.0  # a moderator may undo their last decision for this long
    BULK_DECISION_LIMIT = 1000  # the most comments one bulk decision (by filter or list) decides


# Every statement planned for its own values. psycopg prepares a statement on the server once
# it has run five times, and PostgreSQL then may plan it once for any values (a "generic"
# plan) when that plan's estimate looks no worse. For the review queue that estimate is wrong
# where the values decide the plan: a score range between two parameters was estimated at 250
# rows and planned as "read the whole range and sort" (5,696 rows, 6-60 ms a page at
# 1,000,000 comments, bench/queue_profile.py) instead of walking the status in order and
# stopping after 51 (0.3-0.9 ms). Prepared statements still save parsing; planning each
# execution costs about 0.1 ms.
POSTGRESQL_OPTIONS = "-c plan_cache_mode=force_custom_plan"


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
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = stored_secret_key(data_dir)
    if "SQLALCHEMY_DATABASE_URI" not in config:
        url = config["DATABASE_URL"] or f"sqlite:///{data_dir / 'moderato.db'}"
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite: the web process and the worker write to one file; wait for locks, don't fail.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    elif config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": POSTGRESQL_OPTIONS},
            **config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "json_deserializer": loads_json,
        **config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    config.setdefault("CELERY", celery_settings(config, data_dir))
    hash_metrics_token(config)


def loads_json(text: str | bytes) -> Any:
    """A JSON column's value: parsed by orjson, about four times as fast as the standard
    library (a page of the review queue parses 50 explanations, bench/queue_profile.py).

    What orjson refuses and the standard library reads (NaN and Infinity, which SQLite's JSON
    columns may hold as Python wrote them; integers beyond 64 bits) is read as before.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def hash_metrics_token(config: dict[str, Any]) -> None:
    """Keep the metrics token as its SHA-256 only. A token too short to resist guessing is a
    configuration error: better a server that does not start than one anyone can scrape."""
    token = config.get("METRICS_TOKEN")
    config["METRICS_TOKEN"] = None
    if token not in (None, ""):
        token = str(token)  # from_prefixed_env reads an all-digit token as a number
        if len(token) < int(config["METRICS_TOKEN_MIN_LENGTH"]):
            raise ValueError(
                f"METRICS_TOKEN must be at least {config['METRICS_TOKEN_MIN_LENGTH']} characters"
            )
        config["METRICS_TOKEN_SHA256"] = hashlib.sha256(token.encode()).hexdigest()
    digest = config.get("METRICS_TOKEN_SHA256")
    if digest and not re.fullmatch(r"[0-9a-fA-F]{64}", str(digest)):
        raise ValueError("METRICS_TOKEN_SHA256 must be a SHA-256 in hex (64 characters)")


def stored_secret_key(data_dir: Path) -> str:
    """The data directory's secret key, made on first use (readable by its owner only).

    Written to a temporary file and linked into place, so two processes starting at once end
    up with the same key: the second link fails and that process reads the first one's key.
    """
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = data_dir / f".secret_key.{os.getpid()}"
        temporary.write_text(secrets.token_urlsafe(48))
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def broker_transport_settings(broker_url: str) -> dict[str, Any]:
    """Our subclasses of kombu's transports: for a Redis broker, a publishing client per
    channel; for the embedded file-system broker, messages published by rename (their modules
    in service/celery/ say why). Other brokers keep their own."""
    if broker_url.startswith(redis_transport.REDIS_SCHEMES):
        return {"broker_transport": redis_transport.TRANSPORT}
    if broker_url.startswith(filesystem_transport.FILESYSTEM_SCHEME):
        return {"broker_transport": filesystem_transport.TRANSPORT}
    return {}


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
            "webhooks.*": {"queue": Queues.WEBHOOKS},
        },
        **broker_transport_settings(broker_url),
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
            "sweep-webhook-deliveries": {
                "task": TaskNames.SWEEP_WEBHOOK_DELIVERIES,
                "schedule": float(config["WEBHOOK_SWEEP_INTERVAL_SECONDS"]),
                "options": {"expires": float(config["WEBHOOK_SWEEP_INTERVAL_SECONDS"])},
            },
            "purge-webhook-deliveries": {
                "task": TaskNames.PURGE_WEBHOOK_DELIVERIES,
                "schedule": float(config["WEBHOOK_PURGE_INTERVAL_SECONDS"]),
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
