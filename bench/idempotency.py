"""What an Idempotency-Key costs at intake: posts with and without one, and replays.

Run from the repository root: `python -m bench.idempotency [--posts 300] [--rounds 5]`.
Starts a private PostgreSQL (tests/support/postgres.py: its own port and folder, fsync off,
so commits cost what the CPU makes them cost), migrates it, and posts the same comment through
`app.test_client()` (no HTTP server), one at a time, in interleaved blocks per round: without
a key, with a new key each time, and again with a key already used (a replay: no insert).
Publishes go to Redis database MODERATO_TEST_REDIS_API_DB (default 14), flushed at the end.
Prints the median ms per request of each variant over the rounds and the ratios to "no key";
the ratios are what to compare across machines.
"""

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable

import redis
from flask_migrate import upgrade

from bench.intake import COMMENT
from service import create_app
from tests.support.backends import REDIS_API_DB, redis_url
from tests.support.postgres import PrivatePostgres

BODY = {
    "article_id": COMMENT["article"],
    "author_name": COMMENT["author"],
    "author_email": COMMENT["email"],
    "body": COMMENT["text"],
    "author_ip": COMMENT["ip"],
}


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300, help="posts per variant per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    return parser.parse_args()


def main() -> None:
    """Set up, run the interleaved rounds, print medians and ratios."""
    args = parse_args()
    broker = redis_url(REDIS_API_DB)
    with PrivatePostgres() as server:
        os.makedirs(server.root / "app", exist_ok=True)
        app = create_app({"SQLALCHEMY_DATABASE_URI": server.create_database("bench"),
                          "BROKER_URL": broker, "DATA_DIR": str(server.root / "app")})  # fmt: skip
        with app.app_context():
            upgrade()
            from service.accounts.sites import create_site

            key = create_site("Bench").api_key
        client = app.test_client()
        auth = {"Authorization": f"Bearer {key}"}

        def post(headers: dict[str, str]) -> None:
            answer = client.post("/api/v1/comments", json=BODY, headers=auth | headers)
            assert answer.status_code == 202, answer.get_data(as_text=True)

        variants: dict[str, Callable[[], None]] = {
            "no key": lambda: post({}),
            "new key": lambda: post({"Idempotency-Key": uuid.uuid4().hex}),
            "replay": lambda: post({"Idempotency-Key": "the-same-key"}),
        }
        try:
            results = run_rounds(variants, args.posts, args.rounds)
        finally:
            redis.Redis.from_url(broker).flushdb()
            with app.app_context():
                from service.extensions import db

                db.engine.dispose()
    report(results, args)


def run_rounds(
    variants: dict[str, Callable[[], None]], posts: int, rounds: int
) -> dict[str, list[float]]:
    """Per variant, the mean ms per request of each round (after one warm-up round)."""
    results: dict[str, list[float]] = {name: [] for name in variants}
    for number in range(rounds + 1):
        for name, send in variants.items():
            started = time.perf_counter()
            for _ in range(posts):
                send()
            if number:  # round 0 warms up
                results[name].append((time.perf_counter() - started) / posts * 1000)
    return results


def report(results: dict[str, list[float]], args: argparse.Namespace) -> None:
    """Median per variant and its ratio to posting without a key."""
    base = statistics.median(results["no key"])
    print(f"{args.rounds} rounds x {args.posts} posts per variant, one process, one at a time")
    for name, rounds in results.items():
        median = statistics.median(rounds)
        spread = ", ".join(f"{value:.2f}" for value in rounds)
        print(f"{name:8} median {median:.2f} ms/request  x{median / base:.2f}  rounds: {spread}")


if __name__ == "__main__":
    main()
