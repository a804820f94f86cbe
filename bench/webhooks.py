"""What webhooks cost the gate: a classifier batch decided with and without endpoints.

Run from the repository root: `python -m bench.webhooks [--batch 200] [--rounds 7]`.
Starts a private PostgreSQL (tests/support/postgres.py: its own port, fsync off) and, in
interleaved rounds, decides a batch of `--batch` queued comments through `gate.transition`
and commits (as the classification task does), for three sites: one without endpoints, one
with an endpoint asking for `comment.decided` only (a delivery per comment), and one with an
endpoint asking for every event (queued -> pending raises two: two deliveries per comment).
The after-commit delivery message goes to Redis database MODERATO_TEST_REDIS_API_DB (default
14), flushed at the end; nothing is delivered. Prints the median ms per batch and the ratio to
the site without endpoints.
"""

import argparse
import os
import statistics
import time

import redis
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert

from models import Comment, CommentStatus, WebhookEvent
from service import create_app
from service.moderation.changes import CLASSIFIER, Change
from tests.support.backends import REDIS_API_DB, redis_url
from tests.support.postgres import PrivatePostgres

VARIANTS = {
    "no endpoint": (),
    "decided only": (WebhookEvent.COMMENT_DECIDED,),
    "every event": WebhookEvent.ALL,
}


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200, help="comments decided per batch")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    return parser.parse_args()


def main() -> None:
    """Set up, run the interleaved rounds, print medians and ratios."""
    args = parse_args()
    broker = redis_url(REDIS_API_DB)
    with PrivatePostgres() as server:
        os.makedirs(server.root / "app", exist_ok=True)
        app = create_app({"SQLALCHEMY_DATABASE_URI": server.create_database("bench"),
                          "BROKER_URL": broker, "DATA_DIR": str(server.root / "app"),
                          "WEBHOOK_SUBSCRIPTIONS_CACHE_SECONDS": 3600})  # fmt: skip
        try:
            with app.app_context():
                upgrade()
                results = run_rounds(app, site_ids(), args.batch, args.rounds)
        finally:
            redis.Redis.from_url(broker).flushdb()
            with app.app_context():
                from service.extensions import db

                db.engine.dispose()
    report(results, args)


def site_ids() -> dict[str, int]:
    """A site per variant, with its endpoint."""
    from service.accounts.sites import create_site
    from service.webhooks.endpoints import add_endpoint

    ids = {}
    for name, events in VARIANTS.items():
        site = create_site(f"Bench {name}").site
        if events:
            add_endpoint(site.id, "https://hooks.example.com/moderato", list(events))
        ids[name] = site.id
    return ids


def run_rounds(
    app: Flask, sites: dict[str, int], batch: int, rounds: int
) -> dict[str, list[float]]:
    """Per variant, the ms of one batch in each round (after one warm-up round)."""
    results: dict[str, list[float]] = {name: [] for name in sites}
    for number in range(rounds + 1):
        for name, site_id in sites.items():
            elapsed = decide_batch(site_id, batch)
            if number:  # round 0 warms up
                results[name].append(elapsed * 1000)
    return results


def decide_batch(site_id: int, batch: int) -> float:
    """Store `batch` queued comments, then time deciding them all `pending` and committing."""
    from service.extensions import db
    from service.moderation import gate
    from service.moderation.assessment import Scored

    row = {"site_id": site_id, "article_id": "a", "author_name": "Lettore", "body": "Bello.",
           "status": CommentStatus.QUEUED, "version": 1, "requeue_count": 0}  # fmt: skip
    ids = db.session.scalars(insert(Comment).returning(Comment.id), [row] * batch).all()
    db.session.commit()
    scored = Scored(0.5, "bench", None)
    changes = [
        Change(i, CommentStatus.QUEUED, CommentStatus.PENDING, "uncertain", CLASSIFIER,
                    scored=scored)
        for i in ids
    ]  # fmt: skip
    started = time.perf_counter()
    gate.transition(changes)
    db.session.commit()
    return time.perf_counter() - started


def report(results: dict[str, list[float]], args: argparse.Namespace) -> None:
    """Median per variant and its ratio to the site without endpoints."""
    base = statistics.median(results["no endpoint"])
    print(f"{args.rounds} rounds, a batch of {args.batch} comments queued -> pending per variant")
    for name, rounds in results.items():
        median = statistics.median(rounds)
        spread = ", ".join(f"{value:.1f}" for value in rounds)
        print(f"{name:12} median {median:.1f} ms/batch  x{median / base:.2f}  rounds: {spread}")


if __name__ == "__main__":
    main()
