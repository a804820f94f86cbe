"""`moderato serve|web|worker|beat`: run the processes."""

import os
import secrets
import shlex
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from service.accounts import bootstrap
from service.akismet import create_akismet_app
from service.learning import training
from service.metrics import exposition
from service.metrics import multiprocess_dir as metrics_dir
from service.names import Queues
from service.processes import (
    WEB_WORKERS,
    WORKER_ENVIRONMENT,
    akismet_command,
    beat_command,
    web_command,
    worker_command,
)
from service.serving.supervised import (
    ServeRefused,
    check_port_free,
    lock_data_dir,
    serve_with_worker,
)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--concurrency", default=2, show_default=True, help="Worker processes.")
@with_appcontext
def serve(host: str, port: int, concurrency: int) -> None:
    """Web server plus one worker (with the periodic sweep): development and the demo."""
    try:  # before anything is migrated or printed: a second `make run` stops here
        check_port_free(host, port)
        data_dir_lock = lock_data_dir(Path(current_app.config["DATA_DIR"]))
    except ServeRefused as refused:
        raise click.ClickException(str(refused)) from refused
    # One development server for both APIs: this process loads the classifier anyway
    # (training on first start), so it may serve the Akismet routes, which score in-process.
    served = create_akismet_app()
    upgrade()
    demo = bootstrap.create_demo_if_empty()
    click.echo(f"classifier: {training.ensure_default_classifier(progress=True)}")
    # The banner comes last, once the worker has started (its logs would scroll it away), and
    # on every start: keys are stored hashed, so a restart tells how to make new ones.
    text = banner(demo, bootstrap.demo_moderator_name(), host, port, served.config)
    command = worker_command(served, concurrency=concurrency, beat=True)
    status = serve_with_worker(served, host, port, command, on_ready=lambda: click.echo(text))
    data_dir_lock.close()
    sys.exit(status)


RULE = "-" * 78


def banner(
    demo: bootstrap.DemoCredentials | None,
    moderator_name: str | None,
    host: str,
    port: int,
    config: dict,
) -> str:
    """What `serve` prints once it is up: where the web UI is, the demo keys on the first
    start (the only time they exist in clear), and how to recover access."""
    lines = ["", RULE, f"Moderato is running. Moderator web UI: http://{host}:{port}/moderate/"]
    if demo is not None:
        lines += demo_lines(demo, host, port)
    elif moderator_name is not None:
        lines.append(
            f"Demo moderator: {moderator_name} (its password was shown at the first start)"
        )
    lines += [metrics_line(config, host, port), *recovery_lines(demo, moderator_name), RULE, ""]
    return "\n".join(lines)


def demo_lines(demo: bootstrap.DemoCredentials, host: str, port: int) -> list[str]:
    """The demo keys and a first request to try."""
    base = f"http://{host}:{port}/api/v1"
    return [
        f"Demo site '{demo.site_slug}', key: {demo.site_key}",
        f"Its Akismet key (WordPress, Akismet clients: http://{host}:{port}/1.1/...): "
        f"{demo.akismet_key}",
        f"Demo moderator '{demo.moderator_name}', token: {demo.moderator_token}",
        f"Web UI sign-in: name: {demo.moderator_name}, password: {demo.moderator_password}",
        "These are shown only now. Try:",
        f"  curl -s -X POST {base}/comments -H 'Authorization: Bearer {demo.site_key}' "
        '-H \'Content-Type: application/json\' -d \'{"article_id": "a1", '
        '"author_name": "Giulia", "body": "Ottimo articolo, grazie!"}\'',
        f"  curl -s {base}/moderation/queue -H 'Authorization: Bearer {demo.moderator_token}'",
    ]


def recovery_lines(demo: bootstrap.DemoCredentials | None, moderator_name: str | None) -> list[str]:
    """The commands that make new credentials (the old ones are kept only as hashes)."""
    moderato = cli_prefix()
    name = moderator_name or "NAME"
    slug = demo.site_slug if demo is not None else "SLUG"
    return [
        "Lost a password, token or key? Only their hashes are kept; make new ones:",
        f"  {moderato} moderators list",
        f"  {moderato} moderators set-password {name}",
        f"  {moderato} moderators reset-token {name}",
        f"  {moderato} sites list",
        f"  {moderato} sites rotate-key {slug}",
        f"  {moderato} sites rotate-akismet-key {slug}",
    ]


def cli_prefix() -> str:
    """How to run `moderato` on this data folder, as this `serve` was started."""
    script = sys.argv[0] if Path(sys.argv[0]).name == "moderato" else "moderato"
    data_dir = os.environ.get("MODERATO_DATA_DIR")
    prefix = f"MODERATO_DATA_DIR={shlex.quote(data_dir)} " if data_dir else ""
    return prefix + shlex.quote(script)


def metrics_line(config: dict, host: str, port: int) -> str:
    """How to scrape; without a configured METRICS_TOKEN, a token made for this run."""
    url = f"http://{host}:{port}/metrics"
    if config["METRICS_TOKEN_SHA256"]:
        return f"Metrics: {url} with 'Authorization: Bearer <METRICS_TOKEN>'"
    token = "mt_" + secrets.token_urlsafe(24)
    config["METRICS_TOKEN_SHA256"] = exposition.hash_token(token)
    return f"Metrics (this run's token): curl -s {url} -H 'Authorization: Bearer {token}'"


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
# (docs/benchmarks.md, Akismet).
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
