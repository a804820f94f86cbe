"""The `moderato` command: Flask's CLI with the app factory built in.

Sub-commands are imported only when they are named (click's "lazily loading subcommands"
pattern), so that `create_app()`, which every web process calls, never pays for the commands'
imports: training and evaluation pull in scikit-learn, SciPy and matplotlib.
"""

import atexit
from importlib import import_module
from typing import Any

import click
from flask.cli import FlaskGroup

from service import create_app
from service.metrics import multiprocess_dir as metrics_dir

# name -> "module:attribute" of the click command or group
COMMANDS = {
    "sites": "service.commands.operators:sites_group",
    "moderators": "service.commands.operators:moderators_group",
    "train": "service.commands.classifier:train",
    "classifier": "service.commands.classifier:classifier_group",
    "evaluate": "service.commands.classifier:evaluate",
    "rescore": "service.commands.classifier:rescore",
    "thresholds": "service.commands.classifier:thresholds_group",
    "corpus": "service.commands.classifier:corpus_group",
    "webhooks": "service.commands.webhooks:webhooks_group",
    "serve": "service.commands.processes:serve",
    "web": "service.commands.processes:web",
    "akismet": "service.commands.processes:akismet",
    "worker": "service.commands.processes:worker",
    "beat": "service.commands.processes:beat",
    "wordpress-plugin": "service.commands.wordpress:wordpress_plugin",
    "wordpress": "service.commands.wordpress:wordpress_group",
}


class LazyFlaskGroup(FlaskGroup):
    """A FlaskGroup whose own commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> Any:
        if cmd_name in COMMANDS:
            module_name, _, attribute = COMMANDS[cmd_name].partition(":")
            return getattr(import_module(module_name), attribute)
        return super().get_command(ctx, cmd_name)


main = LazyFlaskGroup(
    create_app=create_app,
    help="Moderato: comment moderation service. Processes: serve (development), web, akismet, "
    "worker and beat (production). Set-up: db upgrade, sites, moderators, webhooks, "
    "wordpress-plugin, wordpress connect. Classifier: train, classifier, evaluate, rescore, "
    "thresholds, corpus.",
)


def console() -> None:
    """The `moderato` console script: `main`, in prometheus_client's multiprocess mode.

    The folder is set before `main` builds the app (which imports prometheus_client), so that
    `serve`'s own web server and its worker share their metrics; `web` and `worker` hand it to
    the gunicorn or Celery process they become. See service/metrics/multiprocess_dir.py.
    """
    atexit.register(metrics_dir.remove_if_owned, metrics_dir.use_multiprocess_mode())
    main()
