"""The `moderato` command: Flask's CLI with the app factory built in."""

from flask.cli import FlaskGroup

from service import create_app

main = FlaskGroup(
    create_app=create_app,
    help="Moderato: comment moderation service. Commands: serve, web, worker, beat, "
    "db upgrade, sites create, moderators create, train.",
)
