"""A peer for bench.intake: the least a Flask endpoint that commits each comment can cost.

It parses the JSON body and stores the comment with one INSERT in autocommit (its own
transaction, committed before the 202, as Moderato's is), through one psycopg connection per
worker process, into `bench_comments`: a copy of Moderato's `comments` table with the same
columns, defaults and indexes (`CREATE TABLE ... (LIKE comments INCLUDING ALL)`), made by
bench/intake.py. No validation, no key, no queue, no ORM. Served by gunicorn like the others
(`gunicorn bench.commit_app:app`), it shows how close "one commit per request" under these
gunicorn settings comes to the issue's targets, whatever the application does around it.
"""

import os

import psycopg
from flask import Flask, request

app = Flask(__name__)
INSERT = (
    "INSERT INTO bench_comments (site_id, article_id, author_name, author_email, author_ip,"
    " body, status, version, requeue_count, created_at, enqueued_at)"
    " VALUES (1, %s, %s, %s, %s, %s, 'queued', 1, 0, now(), now()) RETURNING id"
)
connection: psycopg.Connection | None = None  # per worker process, opened after the fork


@app.post("/comments")
def create_comment() -> tuple[dict[str, object], int]:
    """Store the comment, committed, and answer 202 with its id."""
    global connection
    if connection is None:
        connection = psycopg.connect(os.environ["BENCH_DATABASE_URL"], autocommit=True)
    data = request.get_json()
    fields = ("article_id", "author_name", "author_email", "author_ip", "body")
    row = connection.execute(INSERT, tuple(data[field] for field in fields)).fetchone()
    assert row is not None  # INSERT ... RETURNING returns the row
    return {"id": row[0], "status": "queued"}, 202
