"""The ceiling for bench.intake: a Flask endpoint that reads a JSON POST and answers 202.

Served by gunicorn like Moderato (`gunicorn bench.trivial_app:app`): the same framework and
server doing no work of their own, so the bench can say what share of it Moderato reaches.
"""

from flask import Flask, request

app = Flask(__name__)


@app.post("/comments")
def create_comment() -> tuple[dict[str, str], int]:
    """Parse the body as Moderato would, store nothing, answer 202."""
    request.get_json()
    return {"status": "queued"}, 202
