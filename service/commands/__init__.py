"""`moderato` sub-commands, attached to `app.cli` (Flask-Migrate adds `db`)."""

from flask import Flask

from service.commands import classifier, operators, processes


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    for command in (
        operators.sites_group,
        operators.moderators_group,
        classifier.train,
        classifier.classifier_group,
        classifier.evaluate,
        classifier.rescore,
        classifier.thresholds_group,
        processes.serve,
        processes.web,
        processes.worker,
        processes.beat,
    ):
        app.cli.add_command(command)
