"""Profile the review queue in-process: the CPU one `GET /api/v1/moderation/queue` costs.

Run from the repository root, after `python -m bench.queue` has seeded its database:
`python -m bench.queue_profile [--requests 200] [--only TEXT] [--top 30] [--no-profile]`.

The same database (`moderato_bench_queue`, 1,000,000 comments), moderators and cases as
bench.queue, but each request goes through `app.test_client()` in this process, one at a time
(no HTTP server, no gunicorn, no concurrency). Per case, after one unmeasured request per path,
`--requests` requests rotate through the case's paths and it prints:

* the web side's CPU per request (`time.process_time`): median and 90th percentile;
* PostgreSQL's CPU per request: the user + system time of the server process behind this
  session's connection (/proc/PID/stat, so PostgreSQL must run on this host and /proc be
  readable), over the case, divided by its requests; the clock ticks every 10 ms, hence the
  many requests;
* the wall time per request (median).

The sum of the two CPU figures is what a request costs the machine: at 8 connections on 2
cores, p99 < 50 ms needs it at about 2-3 ms. Then, unless `--no-profile`, every selected case
runs once more under cProfile and the top functions by cumulative and by own time are printed.
Numbers move with the host's load: compare runs made one after the other.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

from bench.cpu import total_cpu_seconds
from bench.queue import (
    DATABASE,
    DATABASE_URL,
    ROWS,
    Case,
    Fetch,
    create_moderators,
    define_cases,
    stored_rows,
)
from bench.queue import moderato as moderato_command


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="measured requests per case")
    parser.add_argument("--only", default="", help="cases whose label contains this")
    parser.add_argument("--top", type=int, default=30, help="functions to print")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile pass")
    return parser.parse_args()


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    """Set up as bench.queue does, measure every selected case, then profile them."""
    args = parse_args()
    if stored_rows() != ROWS:
        sys.exit(f"{DATABASE} is not seeded: run `python -m bench.queue` once first")
    moderato_command("db", "upgrade")  # this branch's migrations
    tokens = create_moderators()
    os.environ["DATABASE_URL"] = DATABASE_URL
    from service import create_app  # after the environment: the config reads it
    from service.extensions import db

    app = create_app()
    client = app.test_client()

    def fetch(path: str, token: str) -> dict:
        """One answer through the test client; anything but a 200 stops the run."""
        answer = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, (path, answer.status_code, answer.get_data(as_text=True))
        return answer.get_json()

    cases = [case for case in define_cases(fetch, tokens) if args.only in case.label]
    with app.app_context():
        # One process, one request at a time: the pool hands this connection out every time.
        backend = db.session.execute(db.text("SELECT pg_backend_pid()")).scalar_one()
    print(f"{len(cases)} cases, {args.requests} requests each; load average "
          f"{os.getloadavg()[0]:.2f}; PostgreSQL backend {backend}")  # fmt: skip
    print(f"{'case':38s}{'order':8s}{'web CPU ms p50':>15s}{'p90':>7s}{'PG CPU ms':>10s}", end="")
    print(f"{'total':>7s}{'wall ms p50':>12s}")
    totals = []
    for case in cases:
        web, database, wall = measure(case, fetch, args.requests, backend)
        totals.append(statistics.median(web) + database)
        print(f"{case.label:38s}{case.order:8s}{statistics.median(web):15.2f}", end="")
        print(f"{percentile(web, 0.9):7.2f}{database:10.2f}{totals[-1]:7.2f}", end="")
        print(f"{statistics.median(wall):12.2f}")
    print(f"median over the cases of web p50 + PostgreSQL: {statistics.median(totals):.2f} ms")
    if not args.no_profile:
        profile(cases, fetch, args.top)


def measure(
    case: Case, fetch: Fetch, requests: int, backend: int
) -> tuple[list[float], float, list[float]]:
    """Web CPU and wall time per request (ms), and PostgreSQL's mean CPU per request (ms)."""
    for path in case.paths:
        fetch(path, case.token)
    web, wall = [], []
    pg_before = total_cpu_seconds([backend])
    for number in range(requests):
        path = case.paths[number % len(case.paths)]
        cpu, started = time.process_time(), time.perf_counter()
        fetch(path, case.token)
        web.append((time.process_time() - cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    database = (total_cpu_seconds([backend]) - pg_before) * 1000 / requests
    return web, database, wall


def profile(cases: list[Case], fetch: Fetch, top: int) -> None:
    """Every case's paths once more (ten rounds) under cProfile; the top functions."""
    profiler = cProfile.Profile()
    for _ in range(10):
        for case in cases:
            for path in case.paths:
                profiler.runcall(fetch, path, case.token)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()
