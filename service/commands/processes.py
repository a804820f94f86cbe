"""`moderato serve|web|worker|beat`: run the processes."""

import os
import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from service import exposition, metrics_dir
from service.accounts import bootstrap
from service.akismet import create_akismet_app
from service.learning import training
from service.names import Queues
from service.processes import (
    WEB_WORKERS,
    WORKER_ENVIRONMENT,
    akismet_command,
    beat_command,
    web_command,
    worker_command,
)
from service.serving.supervised import serve_with_worker


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--concurrency", default=2, show_default=True, help="Worker processes.")
@with_appcontext
def serve(host: str, port: int, concurrency: int) -> None:
    """Web server plus one worker (with the periodic sweep): development and the demo."""
    # One development server for both APIs: this process loads the classifier anyway
    # (training on first start), so it may serve the Akismet routes, which score in-process.
    served = create_akismet_app()
    upgrade()
    demo = bootstrap.create_demo_if_empty()
    click.echo(f"classifier: {training.ensure_default_classifier(progress=True)}")
    if demo is not None:
        print_demo(demo, host, port)
    print_metrics(served.config, host, port)  # the token goes to the app that is served
    command = worker_command(served, concurrency=concurrency, beat=True)
    sys.exit(serve_with_worker(served, host, port, command))


def print_demo(demo: bootstrap.DemoCredentials, host: str, port: int) -> None:
    """Show the demo keys and a first request to try."""
    base = f"http://{host}:{port}/api/v1"
    click.echo(f"\nDemo site '{demo.site_slug}', key: {demo.site_key}")
    click.echo(f"Its Akismet key (WordPress, Akismet clients: http://{host}:{port}/1.1/...): "
               f"{demo.akismet_key}")  # fmt: skip
    click.echo(f"Demo moderator '{demo.moderator_name}', token: {demo.moderator_token}")
    click.echo("These are shown only now. Try:\n")
    click.echo(
        f"  curl -s -X POST {base}/comments -H 'Authorization: Bearer {demo.site_key}' "
        '-H \'Content-Type: application/json\' -d \'{"article_id": "a1", '
        '"author_name": "Giulia", "body": "Ottimo articolo, grazie!"}\''
    )
    click.echo(
        f"  curl -s {base}/moderation/queue -H 'Authorization: Bearer {demo.moderator_token}'\n"
    )
    click.echo(
        f"Moderator web UI: http://{host}:{port}/moderate/ "
        f"(name: {demo.moderator_name}, password: {demo.moderator_password})\n"
    )


def print_metrics(config: dict, host: str, port: int) -> None:
    """Say how to scrape; without a configured METRICS_TOKEN, make one for this run."""
    url = f"http://{host}:{port}/metrics"
    if config["METRICS_TOKEN_SHA256"]:
        click.echo(f"Metrics: {url} with 'Authorization: Bearer <METRICS_TOKEN>'\n")
        return
    token = "mt_" + secrets.token_urlsafe(24)
    config["METRICS_TOKEN_SHA256"] = exposition.hash_token(token)
    click.echo(f"Metrics (this run's token): curl -s {url} -H 'Authorization: Bearer {token}'\n")


@click.command("web")
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 - a server binds all
@click.option("--port", default=8000, show_default=True)
@click.option(
    "--workers", default=WEB_WORKERS, show_default=True, help="gunicorn worker processes."
)
def web(host: str, port: int, workers: int) -> None:
    """Run the web service under gunicorn (production)."""
    exec_command(web_command(host, port, workers))


@click.command("akismet")
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 - a server binds all
@click.option("--port", default=8001, show_default=True)
# 2 x 2 met bench/akismet.py's p99 target on 2 cores where more threads or processes did not
# (README, Akismet-compatible API, Speed).
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes.")
@click.option("--threads", default=2, show_default=True, help="Threads per worker process.")
def akismet(host: str, port: int, workers: int, threads: int) -> None:
    """Run the Akismet-compatible API under gunicorn (production). It scores comments
    in-process: each worker process loads the classifier (200-300 MB RSS)."""
    exec_command(akismet_command(host, port, workers, threads))


@click.command("worker")
@click.option("--concurrency", type=int, help="Processes; default: one per CPU.")
# solo: the worker decides its batches in its own process (no pool processes); run one such
# worker per core. It used up to a fifth less CPU per comment in bench/pipeline.py.
@click.option(
    "--pool",
    type=click.Choice(["prefork", "solo"]),
    default="prefork",
    show_default=True,
    help="prefork: a main process and --concurrency pool processes; solo: one process.",
)
@click.option("--loglevel", default="INFO", show_default=True)
@click.option(
    "--metrics-port",
    type=int,
    help="Serve this worker's metrics on this port (default: WORKER_METRICS_PORT, else none).",
)
# Production runs webhook deliveries in workers of their own, so that slow receivers never
# hold up classification: `--queues moderation,maintenance` and `--queues webhooks`.
@click.option(
    "--queues",
    callback=lambda _ctx, _param, value: parse_queues(value),
    help=f"Comma-separated, among {','.join(Queues.all())}; default: all of them.",
)
@with_appcontext
def worker(
    concurrency: int | None,
    pool: str,
    loglevel: str,
    metrics_port: int | None,
    queues: list[str] | None,
) -> None:
    """Run a Celery worker on Moderato's queues (production)."""
    os.environ.update(WORKER_ENVIRONMENT)  # a SIGTERM's shutdown is bounded; see there
    if metrics_port is not None:
        os.environ["MODERATO_WORKER_METRICS_PORT"] = str(metrics_port)
    if os.environ.get(metrics_dir.ENV):  # a new run: no counts of an earlier one
        metrics_dir.empty(Path(os.environ[metrics_dir.ENV]))
    command = worker_command(
        current_app, concurrency=concurrency, pool=pool, loglevel=loglevel, queues=queues
    )
    exec_command(command)


def parse_queues(value: str | None) -> list[str] | None:
    """The queue names of `--queues`, each one Moderato declares."""
    if value is None:
        return None
    queues = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in queues if name not in Queues.all()]
    if unknown or not queues:
        raise click.BadParameter(f"choose among {', '.join(Queues.all())}")
    return queues


@click.command("beat")
@click.option("--loglevel", default="INFO", show_default=True)
@with_appcontext
def beat(loglevel: str) -> None:
    """Run Celery beat, which schedules the sweep. Run exactly one."""
    exec_command(beat_command(current_app, loglevel=loglevel))


def exec_command(command: list[str]) -> None:
    """Replace this process, so signals from the supervisor reach the real server."""
    os.execv(command[0], command)  # noqa: S606 - fixed argument list built above
