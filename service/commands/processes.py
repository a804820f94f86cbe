"""`moderato serve|web|worker|beat`: run the processes."""

import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from service.accounts import bootstrap
from service.akismet import create_akismet_app
from service.learning import training
from service.processes import (
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
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # One development server for both APIs: this process loads the classifier anyway
    # (training on first start), so it may serve the Akismet routes, which score in-process.
    served = create_akismet_app()
    upgrade()
    demo = bootstrap.create_demo_if_empty()
    click.echo(f"classifier: {training.ensure_default_classifier(progress=True)}")
    if demo is not None:
        print_demo(demo, host, port)
    command = worker_command(app, concurrency=concurrency, beat=True)
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


@click.command("web")
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 - a server binds all
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes.")
def web(host: str, port: int, workers: int) -> None:
    """Run the web service under gunicorn (production)."""
    exec_command(web_command(host, port, workers))


@click.command("akismet")
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 - a server binds all
@click.option("--port", default=8001, show_default=True)
@click.option("--workers", default=1, show_default=True, help="gunicorn worker processes.")
@click.option("--threads", default=12, show_default=True, help="Threads per worker process.")
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
@with_appcontext
def worker(concurrency: int | None, pool: str, loglevel: str) -> None:
    """Run a Celery worker on every Moderato queue (production)."""
    os.environ.update(WORKER_ENVIRONMENT)  # a SIGTERM's shutdown is bounded; see there
    command = worker_command(current_app, concurrency=concurrency, pool=pool, loglevel=loglevel)
    exec_command(command)


@click.command("beat")
@click.option("--loglevel", default="INFO", show_default=True)
@with_appcontext
def beat(loglevel: str) -> None:
    """Run Celery beat, which schedules the sweep. Run exactly one."""
    exec_command(beat_command(current_app, loglevel=loglevel))


def exec_command(command: list[str]) -> None:
    """Replace this process, so signals from the supervisor reach the real server."""
    os.execv(command[0], command)  # noqa: S606 - fixed argument list built above
