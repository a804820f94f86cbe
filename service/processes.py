"""Command lines of the worker, beat and web processes, shared by the CLI and by tests."""

import sys

from flask import Flask

from service.names import Queues

# Celery ignores every SIGTERM after the first while its warm shutdown waits, with no limit,
# for running tasks (celery/apps/worker.py: "SIGTERM will ... do nothing, every time it is
# received"); a worker whose pool was gone hung there for 28 minutes. Remapped to SIGQUIT, a
# SIGTERM starts the cold shutdown instead: running tasks get worker_soft_shutdown_timeout
# (WORKER_SHUTDOWN_GRACE_SECONDS) to finish, then they are cancelled and, being acknowledged
# late, redelivered to another worker. Read by billiard at import, so set in the environment.
WORKER_ENVIRONMENT = {"REMAP_SIGTERM": "SIGQUIT"}


def worker_command(
    app: Flask,
    *,
    concurrency: int | None = None,
    pool: str | None = None,
    beat: bool = False,
    loglevel: str = "INFO",
    queues: list[str] | None = None,
) -> list[str]:
    """`celery worker` consuming `queues` (default: every Moderato queue)."""
    command = [
        sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker",
        "--queues", ",".join(queues or Queues.all()), "--loglevel", loglevel,
    ]  # fmt: skip
    if concurrency:
        command += ["--concurrency", str(concurrency)]
    if pool:
        command += ["--pool", pool]
    if beat:  # embedded beat: for `serve` and tests, where exactly one worker runs
        command += ["--beat", "--schedule", app.config["CELERY"]["beat_schedule_filename"]]
    if app.config["CELERY"]["broker_url"].startswith("filesystem://"):
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return command


def beat_command(app: Flask, *, loglevel: str = "INFO") -> list[str]:
    """`celery beat`: runs the periodic sweep. Run exactly one per deployment."""
    return [
        sys.executable, "-m", "celery", "-A", "workers.celery_app", "beat",
        "--schedule", app.config["CELERY"]["beat_schedule_filename"], "--loglevel", loglevel,
    ]  # fmt: skip


# `moderato web`'s gunicorn sync workers by default: one per core of a 2-core host that also
# runs PostgreSQL. A sync worker is busy on the CPU for most of a request (the database answers
# from memory in under a millisecond), so workers beyond the cores only queue for them and
# compete for the cores' caches (bench/queue.py shows it; the docs' benchmarks page has the
# figures). Give a larger host `--workers` of about its core count (docker-compose.yml asks
# for 4: a host of about 4 cores).
WEB_WORKERS = 2


def web_command(host: str, port: int, workers: int) -> list[str]:
    """gunicorn serving the WSGI app; its own error pages are JSON (service/serving)."""
    return [
        sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
        "--worker-class", "service.serving.gunicorn_workers.JsonErrorSyncWorker",
        # Hooks that give the worker processes one metrics folder
        # (service/metrics/multiprocess_dir.py).
        "--config", "python:service.serving.gunicorn_config",
        # No control socket: gunicorn's default path is per user, so two servers on one host
        # would share it; nothing here uses gunicornc.
        "--no-control-socket",
        "--access-logfile", "-", "service.wsgi:app",
    ]  # fmt: skip


def akismet_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """gunicorn serving the Akismet-compatible API, with threads: a check waits on the
    database for most of its time, and each worker process holds a classifier (200-300 MB RSS), so
    threads, not processes, carry the concurrency. Each thread may hold a database
    connection: SQLAlchemy's pool (5 + 10 overflow) covers the default 12."""
    return [
        sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "service.serving.gunicorn_workers.JsonErrorThreadWorker",
        "--no-control-socket", "--access-logfile", "-", "service.akismet.wsgi:app",
    ]  # fmt: skip
