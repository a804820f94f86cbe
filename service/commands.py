"""`moderato` sub-commands: operate sites and moderators, train, run the processes."""

import os
import subprocess
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from models import ModerationMode
from service.errors import ApiError
from service.processes import beat_command, web_command, worker_command
from service.services import bootstrap, classifiers, sites


def register_commands(app: Flask) -> None:
    """Attach the command groups to `app.cli` (Flask-Migrate adds `db`)."""
    for command in (sites_group, moderators_group, train, serve, web, worker, beat):
        app.cli.add_command(command)


@click.group("sites")
def sites_group() -> None:
    """Manage sites."""


@sites_group.command("create")
@click.argument("name")
@click.option("--slug", help="URL-safe identifier; derived from NAME if omitted.")
@click.option("--mode", type=click.Choice(ModerationMode.ALL), default=ModerationMode.POST)
@click.option("--reject-above", type=click.FloatRange(0, 1), default=0.9, show_default=True)
@click.option("--approve-below", type=click.FloatRange(0, 1), default=0.2, show_default=True)
@with_appcontext
def create_site(
    name: str, slug: str | None, mode: str, reject_above: float, approve_below: float
) -> None:
    """Create a site and print its API key (shown only once)."""
    try:
        new = sites.create_site(
            name, slug=slug, moderation_mode=mode,
            auto_reject_above=reject_above, auto_approve_below=approve_below,
        )  # fmt: skip
    except (ApiError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"site: {new.site.slug}")
    click.echo(f"api key: {new.api_key}")
    click.echo("Store the key now: only its hash is kept.")


@click.group("moderators")
def moderators_group() -> None:
    """Manage moderators."""


@moderators_group.command("create")
@click.argument("name")
@click.option("--site", "site_slugs", multiple=True, required=True, help="Repeat for more.")
@with_appcontext
def create_moderator(name: str, site_slugs: tuple[str, ...]) -> None:
    """Create a moderator of one or more sites and print their token (shown only once)."""
    try:
        new = sites.create_moderator(name, list(site_slugs))
    except ApiError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"moderator: {new.moderator.name} (sites: {', '.join(site_slugs)})")
    click.echo(f"token: {new.token}")
    click.echo("Store the token now: only its hash is kept.")


@click.command("train")
@click.option("--data", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def train(path: Path | None) -> None:
    """Train a classifier on a labelled CSV/JSONL file and activate it.

    Without --data, make sure the default (seed corpus) classifier exists.
    """
    if path is None:
        click.echo(f"active classifier: {classifiers.ensure_default_classifier(progress=True)}")
        return
    try:
        stored = classifiers.train_from_file(path, progress=True)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    metrics = stored.metrics
    click.echo(f"trained on {stored.trained_on['n']} comments ({stored.trained_on['n_spam']} spam)")
    click.echo(f"training-set MCC {metrics['mcc']:.3f}, accuracy {metrics['accuracy']:.3f}")
    click.echo(f"active classifier: {stored.version}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--concurrency", default=2, show_default=True, help="Worker processes.")
@with_appcontext
def serve(host: str, port: int, concurrency: int) -> None:
    """Web server plus one worker (with the periodic sweep): development and the demo."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    upgrade()
    demo = bootstrap.create_demo_if_empty()
    click.echo(f"classifier: {classifiers.ensure_default_classifier(progress=True)}")
    if demo is not None:
        print_demo(demo, host, port)
    worker_process = subprocess.Popen(worker_command(app, concurrency=concurrency, beat=True))  # noqa: S603
    try:
        # Werkzeug's server directly: Flask ignores app.run() inside its own CLI.
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        worker_process.terminate()
        worker_process.wait(timeout=30)


def print_demo(demo: bootstrap.DemoCredentials, host: str, port: int) -> None:
    """Show the demo keys and a first request to try."""
    base = f"http://{host}:{port}/api/v1"
    click.echo(f"\nDemo site '{demo.site_slug}', key: {demo.site_key}")
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


@click.command("worker")
@click.option("--concurrency", type=int, help="Processes; default: one per CPU.")
@click.option("--loglevel", default="INFO", show_default=True)
@with_appcontext
def worker(concurrency: int | None, loglevel: str) -> None:
    """Run a Celery worker on every Moderato queue (production)."""
    exec_command(worker_command(current_app, concurrency=concurrency, loglevel=loglevel))


@click.command("beat")
@click.option("--loglevel", default="INFO", show_default=True)
@with_appcontext
def beat(loglevel: str) -> None:
    """Run Celery beat, which schedules the sweep. Run exactly one."""
    exec_command(beat_command(current_app, loglevel=loglevel))


def exec_command(command: list[str]) -> None:
    """Replace this process, so signals from the supervisor reach the real server."""
    os.execv(command[0], command)  # noqa: S606 - fixed argument list built above
