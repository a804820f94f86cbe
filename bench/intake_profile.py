"""Profile Moderato's intake in-process: where one `POST /api/v1/comments` spends its time.

Run from the repository root: `python -m bench.intake_profile [--comments 2000] [--top 25]`.
Sets up the same scratch PostgreSQL database and Redis database as bench.intake (dropped,
migrated and flushed with the project's commands), then posts the comments one after the other
through `app.test_client()` (no HTTP server, no gunicorn) under cProfile after 50 unprofiled
warm-up posts, and prints the wall time per request and the top functions by cumulative time
and by own time.
"""

import argparse
import cProfile
import os
import pstats
import time

import redis

from bench.intake import COMMENT, REDIS_URL, prepare_moderato

WARM_UP = 50


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=2000, help="profiled posts")
    parser.add_argument("--top", type=int, default=25, help="functions to print")
    return parser.parse_args()


def main() -> None:
    """Set up, post the comments under the profiler, print the summary."""
    args = parse_args()
    env, key = prepare_moderato()
    os.environ.update(env)
    from service import create_app  # after the environment: the config reads it

    client = create_app().test_client()
    headers = {"Authorization": f"Bearer {key}"}
    body = {
        "article_id": COMMENT["article"],
        "author_name": COMMENT["author"],
        "author_email": COMMENT["email"],
        "body": COMMENT["text"],
        "author_ip": COMMENT["ip"],
    }

    def post(count: int) -> None:
        """Post the comment `count` times and check every answer is a 202."""
        for _ in range(count):
            answer = client.post("/api/v1/comments", json=body, headers=headers)
            assert answer.status_code == 202, answer.get_data(as_text=True)

    try:
        post(WARM_UP)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(post, args.comments)
        elapsed = time.perf_counter() - started
        print(
            f"{args.comments} posts in {elapsed:.1f} s under cProfile: "
            f"{elapsed / args.comments * 1000:.2f} ms per request, one process, one at a time"
        )
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()


if __name__ == "__main__":
    main()
