"""Benchmark the moderator web UI's queue page, GET /moderate/, over 1,000,000 comments.

Run from the repository root: `python -m bench.review_page [--reseed] [--requests 200]`.
Needs PostgreSQL on localhost.

Protocol:

* **Data.** bench/queue.py's database `moderato_bench_queue` (1,000,000 comments over five
  sites, 4 % pending), reused when it holds exactly 1,000,000 comments, seeded by
  bench/queue.py's own `seed` otherwise (or with `--reseed`), then migrated to the head.
* **Moderators.** `page-one` moderates the largest site (500,000 comments), `page-several`
  the largest, the middle and the smallest; both get a password and sign in through the login
  form, as a browser would.
* **What is timed.** The whole server-side handling of one request, in this process through
  Flask's test client (no network, no WSGI server): the session, the moderator, the listing
  of 50 comments with their parents, the counts per status (capped: see counts.py), the
  templates (50 items, each with its highlighted text and its forms) and the security headers.
  5 warm-up requests, then `--requests` timed ones per case; p50 and p99 of those, and the
  p50 of this process's CPU time per request (the web side's work, which a busy machine's
  waiting does not inflate; PostgreSQL's share is not in it). The process freezes its heap
  once the moderators are signed in, as a gunicorn worker does after loading the app
  (service/serving/heap.py).
* **Cases.** Pending in each order; approved, newest first (the largest listing); a text search;
  a score range; and the moderator of three sites.
* **Target:** p99 ≤ 100 ms in every case.

Exits 0 either way: it reports, it does not gate.
"""

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from bench.queue import DATABASE_URL, ROWS, moderato, seed, stored_rows
from models import Moderator
from service import create_app
from service.accounts.moderators import create_moderator
from service.accounts.passwords import set_password
from service.extensions import db
from service.serving.heap import freeze_startup_objects

TARGET_MS = 100.0
PASSWORD = "bench password, long enough"  # noqa: S105 - a scratch database's moderators
MODERATORS = {"page-one": ["big"], "page-several": ["big", "middle", "tiny"]}
CASES = (
    ("page-one", "pending, oldest", {}),
    ("page-one", "pending, newest", {"order": "newest"}),
    ("page-one", "pending, score", {"order": "score"}),
    ("page-one", "approved, newest", {"status": "approved", "order": "newest"}),
    ("page-one", "pending, search 'euro'", {"q": "euro"}),
    ("page-one", "pending, score 0.4-0.6", {"min": "0.4", "max": "0.6"}),
    ("page-several", "3 sites, pending", {}),
)
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database again")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case")
    return parser.parse_args()


def bench_app(scratch: Path) -> Flask:
    """The app on the bench database, configured as in production (no TESTING)."""
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": DATABASE_URL.replace("postgresql://", "postgresql+psycopg://"),
         "DATA_DIR": str(scratch), "CLASSIFIER_BACKEND": "keyword"}
    )  # fmt: skip


def create_moderators(app: Flask) -> None:
    """The two moderators, made afresh with a password."""
    with app.app_context():
        db.session.execute(delete(Moderator).where(Moderator.name.in_(MODERATORS)))
        db.session.commit()
        for name, slugs in MODERATORS.items():
            create_moderator(name, slugs)
            set_password(name, PASSWORD)


def signed_in(app: Flask, name: str) -> FlaskClient:
    """A client signed in through the login form."""
    client = app.test_client()
    page = client.get("/moderate/login").get_data(as_text=True)
    token = CSRF.search(page)[1]  # type: ignore[index]
    answer = client.post(
        "/moderate/login", data={"name": name, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302, answer.status_code
    return client


def time_page(
    client: FlaskClient, query: dict[str, str], requests: int
) -> tuple[list[float], list[float]]:
    """Milliseconds per GET /moderate/ with `query`, after a warm-up: wall-clock time, and the
    CPU time of this process (the web side without PostgreSQL's share; on a busy machine the
    wall-clock time is mostly waiting for a core)."""
    timings, cpu = [], []
    for number in range(5 + requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/moderate/", query_string=query)
        elapsed = (time.perf_counter() - started) * 1000
        elapsed_cpu = (time.process_time() - started_cpu) * 1000
        assert response.status_code == 200, response.status_code
        if number >= 5:
            timings.append(elapsed)
            cpu.append(elapsed_cpu)
    items = response.get_data(as_text=True).count('class="item ')
    assert items == 50, f"{items} items on the page"
    return timings, cpu


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def main() -> None:
    args = parse_args()
    if args.reseed or stored_rows() != ROWS:
        seed()
    moderato("db", "upgrade")  # the web UI's tables, if the data is older than them
    with tempfile.TemporaryDirectory(prefix="moderato-bench-page-") as scratch:
        app = bench_app(Path(scratch))
        create_moderators(app)
        clients = {name: signed_in(app, name) for name in MODERATORS}
        freeze_startup_objects()  # as service/wsgi.py does in each gunicorn worker
        print(f"GET /moderate/ (50 comments a page), {args.requests} requests per case, "
              f"{ROWS:,} comments stored; target p99 <= {TARGET_MS:.0f} ms")  # fmt: skip
        print(os.getloadavg()[0], "load average (1 min) at the start")
        print(f"{'case':<32} {'p50 ms':>8} {'p99 ms':>8} {'cpu p50':>8}  verdict")
        for moderator, label, query in CASES:
            timings, cpu = time_page(clients[moderator], query, args.requests)
            p50, p99 = percentile(timings, 0.5), percentile(timings, 0.99)
            verdict = "ok" if p99 <= TARGET_MS else "OVER"
            print(f"{label:<32} {p50:>8.1f} {p99:>8.1f} {percentile(cpu, 0.5):>8.1f}  {verdict}",
                  flush=True)  # fmt: skip
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
