"""The `moderato` command: Flask's CLI with the app factory built in."""

from flask.cli import FlaskGroup

from service import create_app

main = FlaskGroup(
    create_app=create_app,
    help="Moderato: comment moderation service. Processes: serve (development), web, worker "
    "and beat (production). Set-up: db upgrade, sites, moderators. Classifier: train, "
    "classifier, evaluate, rescore, thresholds.",
)
