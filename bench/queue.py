"""Benchmark the review queue, GET /api/v1/moderation/queue, over 1,000,000 comments.

Run from the repository root: `python -m bench.queue [--reseed] [--duration 5]
[--connections 8] [--workers 2] [--only TEXT]`. Needs PostgreSQL on localhost and `wrk`.

Protocol (bench/README.md has the reasons):

* **Data.** A scratch database `moderato_bench_queue`, set up with `moderato db upgrade` and
  five sites made with `moderato sites create` (50, 25, 15, 7 and 3 % of the comments), then
  1,000,000 comments inserted by one `INSERT ... SELECT ... FROM generate_series` per 100,000
  rows with a fixed `setseed`: status 1 % queued (no score), 4 % pending, 70 % approved,
  25 % rejected; scores rounded to 3 decimals (so ties occur) in each status's band; articles
  per site = its comments / 200, drawn with a squared uniform, so a few articles hold thousands
  of comments and most hold a handful. Then `VACUUM (ANALYZE) comments`. The database is kept:
  the next run reuses it if it holds exactly 1,000,000 comments (`--reseed` forces a new one).
* **Moderators.** `one` moderates the largest site; `several` moderates the largest, the middle
  and the smallest. Both are deleted and created again with `moderato moderators create` at
  every run (tokens are shown only once).
* **Cases.** Every `order` (oldest, newest, score) times: each `status` for `one`; `one` with a
  cursor (pending and approved: page 2 and cursors at 10, 50 and 90 % of the listing); `one`
  with `article_id` (the site's largest article and a middling one, approved, with and without
  a cursor); `several` with no filter (pending and approved, with and without a cursor); and
  `several` with `site` (the middle site, with and without a cursor). Page 2 cursors come from
  the API's own `next_cursor`; deeper ones from the row at that depth, encoded with
  `service.pagination.encode_cursor`. Then the web UI's filters, in every order: `q` (a
  common word, one author's e-mail, an IP, a word in no comment) for `one` (pending and
  approved) and `several` (pending); a score range (pending, with page 2) and a
  `classifier_version` (approved) for `one`. And `queue/counts` (each status capped: 10,000,
  the archive 1,000) with each search and without, for both moderators. The default page size
  (50) throughout.
* **Load.** The web process is `service.processes.web_command` (gunicorn, Moderato's JSON sync
  workers, as many as `moderato web` starts by default, access log to a file) with
  `DATABASE_URL` set, started once. Each case runs wrk (1 thread, `--connections`
  connections, `--duration` seconds after a 1-second warm-up) with a Lua script rotating
  through the case's paths; p50 and p99 come from wrk's latency histogram, and any answer
  other than 200 is counted and printed. Beside them, the CPU time each answered request cost
  the gunicorn workers and the database's server processes (user + system time from /proc,
  over the measured run): what decides the latency when 8 connections share 2 cores.
* **Target:** p99 < 50 ms at 8 connections in every case. After the cases, the RSS of every
  gunicorn worker (VmRSS from /proc) beside the target of 100 MB.

Exits 0 either way: it reports, it does not gate.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from bench.cpu import total_cpu_seconds
from bench.intake import free_port, lua_string, run, verdict
from bench.wrk import LUA_COUNTING_TAIL, WrkResult, run_wrk
from service.pagination import encode_cursor
from service.processes import WEB_WORKERS, web_command

REPO_ROOT = Path(__file__).resolve().parents[1]
DATABASE = "moderato_bench_queue"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
ROWS = 1_000_000
CHUNK = 100_000
# Five sites of very different sizes: (slug, share of the comments).
SITES = (("big", 0.50), ("large", 0.25), ("middle", 0.15), ("small", 0.07), ("tiny", 0.03))
ONE_SITE = ("big",)
SEVERAL_SITES = ("big", "middle", "tiny")
EXPLANATION = {  # the shape classifier/explain.py writes
    "spam": [{"kind": "signal", "name": "links", "weight": 1.2},
             {"kind": "word", "text": "euro", "weight": 0.7}],
    "ham": [{"kind": "word", "text": "grazie", "weight": -0.8},
            {"kind": "word", "text": "articolo", "weight": -0.5}],
}  # fmt: skip
COMMENTS_PER_ARTICLE = 200  # on average; the squared draw skews it
ORDERS = ("oldest", "newest", "score")
STATUSES = ("queued", "pending", "approved", "rejected")
CURSOR_DEPTHS = (0.1, 0.5, 0.9)
PAGE_SIZE = 50
TARGET_P99_MS = 50.0
TARGET_RSS_MB = 100.0
START_TIMEOUT_SECONDS = 90
WARM_UP_SECONDS = 1

SEED_SQL = """
INSERT INTO comments (
    site_id, article_id, article_url, article_title, author_name, author_email, author_ip,
    user_agent, referrer, language, body, status, spam_score, classifier_version, explanation,
    decided_by_kind, decided_by, decision_reason, created_at, decided_at, version,
    enqueued_at, requeue_count)
SELECT
    s.id, a.article_id, 'https://news.example/' || a.article_id, 'Articolo ' || a.article_id,
    'Lettore ' || mod(x.g, 9973), 'lettore' || mod(x.g, 9973) || '@example.it',
    '93.44.' || mod(x.g, 251) || '.' || mod(x.g, 241),
    'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0', 'https://news.example/', 'it',
    (ARRAY[
        'Finalmente una pista ciclabile in via Roma! La aspettavamo da anni.',
        'Non sono d''accordo con l''autore: i dati dicono altro, basta leggere il rapporto.',
        'Grazie per l''articolo, molto chiaro. Speriamo che il comune ascolti.',
        'Guadagna 500 euro al giorno da casa!!! Clicca qui http://soldi-facili.example',
        'Il traffico in centro la mattina è impossibile, altro che nuove piste.',
        'Ottimo lavoro della redazione, come sempre.'
    ])[1 + mod(x.g, 6)] || ' (' || x.g || ')',
    st.status,
    CASE st.status
        WHEN 'queued' THEN NULL
        WHEN 'pending' THEN round((0.2 + 0.7 * x.r_score)::numeric, 3)
        WHEN 'approved' THEN round((0.25 * x.r_score)::numeric, 3)
        ELSE round((0.6 + 0.4 * x.r_score)::numeric, 3)
    END,
    CASE WHEN st.status = 'queued' THEN NULL ELSE 'bench-v1' END,
    CASE WHEN st.status = 'queued' THEN NULL ELSE %(explanation)s::json END,
    CASE WHEN st.status IN ('approved', 'rejected') THEN 'classifier' END,
    CASE WHEN st.status IN ('approved', 'rejected') THEN 'classifier' END,
    CASE WHEN st.status = 'rejected' THEN 'spam' END,
    x.created_at,
    CASE WHEN st.status IN ('approved', 'rejected') THEN x.created_at + interval '2 seconds' END,
    CASE WHEN st.status IN ('approved', 'rejected') THEN 2 ELSE 1 END,
    x.created_at, 0
FROM (
    SELECT g, random() AS r_site, random() AS r_status, random() AS r_score,
           random() AS r_article,
           (now() AT TIME ZONE 'utc') - make_interval(secs => (%(rows)s - g) * 30) AS created_at
    FROM generate_series(%(first)s, %(last)s) AS g
) AS x
CROSS JOIN LATERAL (
    SELECT id, articles FROM bench_sites WHERE x.r_site < upto ORDER BY upto LIMIT 1
) AS s
CROSS JOIN LATERAL (
    SELECT '2026/' || lpad((floor(s.articles * x.r_article * x.r_article))::int::text, 5, '0')
        AS article_id
) AS a
CROSS JOIN LATERAL (
    SELECT CASE WHEN x.r_status < 0.01 THEN 'queued' WHEN x.r_status < 0.05 THEN 'pending'
                WHEN x.r_status < 0.75 THEN 'approved' ELSE 'rejected' END AS status
) AS st
"""
LUA_SCRIPT = """
-- Written by bench/queue.py: GET the case's paths in turn, count answers by status.
wrk.headers["Authorization"] = %(authorization)s
local paths = {%(paths)s}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  sent = 0
end

function request()
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) %% #paths + 1])
end

"""


@dataclass(frozen=True)
class Cpu:
    """CPU time per answered request of the gunicorn workers and of PostgreSQL, in ms."""

    web_ms: float
    database_ms: float


@dataclass
class Case:
    """One line of the table: a moderator's token and the request paths rotated through."""

    label: str
    order: str
    token: str
    paths: list[str]


def parse_args() -> argparse.Namespace:
    """Command-line options; the defaults are the issue's protocol."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database again")
    parser.add_argument("--duration", type=int, default=5, help="seconds per case")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument(
        "--workers", type=int, default=WEB_WORKERS, help="gunicorn sync workers (`moderato web`'s)"
    )
    parser.add_argument("--only", default="", help="run only cases whose label contains this")
    return parser.parse_args()


def moderato(*arguments: str) -> str:
    """Run the project's own CLI against the bench database."""
    command = [str(Path(sys.executable).parent / "moderato"), *arguments]
    return run(command, os.environ | {"DATABASE_URL": DATABASE_URL})


def stored_rows() -> int | None:
    """Comments in the bench database, or None if it does not exist."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
    if found is None:
        return None
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        try:
            return conn.execute("SELECT count(*) FROM comments").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return None


def seed() -> None:
    """A new database: migrated, five sites, 1,000,000 comments, vacuumed and analysed."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    moderato("db", "upgrade")
    for slug, _ in SITES:
        moderato("sites", "create", slug.capitalize(), "--slug", slug)
    started = time.monotonic()
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        create_site_table(conn)
        conn.execute("SELECT setseed(0.42)")  # the same data on every reseed
        for first in range(1, ROWS + 1, CHUNK):
            last = min(first + CHUNK - 1, ROWS)
            values = {
                "rows": ROWS,
                "first": first,
                "last": last,
                "explanation": json.dumps(EXPLANATION),
            }
            conn.execute(SEED_SQL, values)  # type: ignore[arg-type]
            print(f"  seeded {last:,} rows ({time.monotonic() - started:.0f} s)", flush=True)
        conn.execute("DROP TABLE bench_sites")
        conn.execute("VACUUM (ANALYZE) comments")
    print(f"seeded and analysed in {time.monotonic() - started:.0f} s", flush=True)


def create_site_table(conn: psycopg.Connection) -> None:
    """A scratch table of the sites' ids, cumulative shares and article counts for the seed."""
    conn.execute("CREATE TEMPORARY TABLE bench_sites (id int, upto float, articles int)")
    upto = 0.0
    for slug, share in SITES:
        upto += share
        (site_id,) = conn.execute("SELECT id FROM sites WHERE slug = %s", (slug,)).fetchone()
        articles = max(1, round(ROWS * share / COMMENTS_PER_ARTICLE))
        limit = 2.0 if slug == SITES[-1][0] else upto  # rounding must not leave a gap at 1.0
        conn.execute("INSERT INTO bench_sites VALUES (%s, %s, %s)", (site_id, limit, articles))


def create_moderators() -> dict[str, str]:
    """`one` and `several`, made afresh (tokens are only shown at creation); their tokens."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("DELETE FROM moderators WHERE name IN ('one', 'several')")
    tokens = {}
    for name, slugs in (("one", ONE_SITE), ("several", SEVERAL_SITES)):
        printed = moderato("moderators", "create", name, *(f"--site={s}" for s in slugs))
        token = re.search(r"token: (mk_\S+)", printed)
        assert token, f"no token in: {printed}"
        tokens[name] = token.group(1)
    return tokens


def queue_path(**query: str) -> str:
    """The request target of one queue page."""
    return "/api/v1/moderation/queue?" + urlencode(query)


# Reads one API answer (path, token) -> parsed JSON: over HTTP here, through the Flask test
# client in bench/queue_profile.py, so both define the same cases.
Fetch = Callable[[str, str], dict]


def http_fetch(port: int) -> Fetch:
    """A Fetch from the server on `port`."""

    def get_json(path: str, token: str) -> dict:
        """One API answer, parsed."""
        request = urllib.request.Request(  # noqa: S310 - our own server on localhost
            f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return json.load(answer)

    return get_json


ORDER_SQL = {
    "oldest": ("id ASC", lambda row: [row[0]]),
    "newest": ("id DESC", lambda row: [row[0]]),
    "score": ("coalesce(spam_score, -1.0) DESC, id ASC", lambda row: [row[1], row[0]]),
}


def deep_cursors(
    conn: psycopg.Connection, order: str, where: str, params: tuple[object, ...]
) -> list[str]:
    """Cursors at CURSOR_DEPTHS of a listing, as the API would have made them."""
    (total,) = conn.execute(f"SELECT count(*) FROM comments WHERE {where}", params).fetchone()  # noqa: S608
    sql, key_of = ORDER_SQL[order]
    cursors = []
    for depth in CURSOR_DEPTHS:
        row = conn.execute(
            f"SELECT id, coalesce(spam_score, -1.0) FROM comments WHERE {where} "  # noqa: S608
            f"ORDER BY {sql} OFFSET %s LIMIT 1",
            (*params, int(total * depth)),
        ).fetchone()
        if row is not None:
            cursors.append(encode_cursor(order, key_of(row)))
    return cursors


def with_cursors(fetch: Fetch, token: str, query: dict[str, str], deep: list[str]) -> list[str]:
    """Paths of page 2 (the API's own next_cursor) and of the deeper cursors."""
    first = fetch(queue_path(**query), token)
    cursors = [first["next_cursor"]] if first["next_cursor"] else []
    return [queue_path(**query, cursor=cursor) for cursor in cursors + deep]


def define_cases(fetch: Fetch, tokens: dict[str, str]) -> list[Case]:
    """Every case of the protocol, for every order."""
    cases = []
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        ids = dict(conn.execute("SELECT slug, id FROM sites").fetchall())
        big, middle = ids["big"], ids["middle"]
        several = tuple(ids[slug] for slug in SEVERAL_SITES)
        articles = conn.execute(
            "SELECT article_id FROM comments WHERE site_id = %s AND status = 'approved' "
            "GROUP BY article_id ORDER BY count(*) DESC, article_id",
            (big,),
        ).fetchall()
        top, middling = articles[0][0], articles[len(articles) // 10][0]
        for order in ORDERS:
            one, many = tokens["one"], tokens["several"]

            def case(label: str, token: str, paths: list[str], order: str = order) -> None:
                cases.append(Case(label, order, token, paths))

            for status in STATUSES:
                case(f"one site, {status}", one, [queue_path(status=status, order=order)])
            for status in ("pending", "approved"):
                query = {"status": status, "order": order}
                deep = deep_cursors(conn, order, "site_id = %s AND status = %s", (big, status))
                case(f"one site, {status}, cursor", one, with_cursors(fetch, one, query, deep))
            paths = [
                queue_path(status="approved", order=order, article_id=a) for a in (top, middling)
            ]
            case("one site, article_id", one, paths)
            cursor_paths = []
            for article in (top, middling):
                query = {"status": "approved", "order": order, "article_id": article}
                where = "site_id = %s AND article_id = %s AND status = 'approved'"
                deep = deep_cursors(conn, order, where, (big, article))
                cursor_paths += with_cursors(fetch, one, query, deep)
            case("one site, article_id, cursor", one, cursor_paths)
            for status in ("pending", "approved"):
                query = {"status": status, "order": order}
                case(f"several sites, {status}", many, [queue_path(**query)])
                where = "site_id = ANY(%s) AND status = %s"
                deep = deep_cursors(conn, order, where, (list(several), status))
                case(
                    f"several sites, {status}, cursor", many, with_cursors(fetch, many, query, deep)
                )
            query = {"status": "pending", "order": order, "site": "middle"}
            case("several sites, site=middle", many, [queue_path(**query)])
            deep = deep_cursors(conn, order, "site_id = %s AND status = 'pending'", (middle,))
            case("several sites, site=middle, cursor", many, with_cursors(fetch, many, query, deep))
            cases.extend(filter_cases(fetch, tokens, order))
    cases.extend(count_cases(tokens))
    return cases


# Text searches: a word in a sixth of the bodies, one author's e-mail (about a hundred comments
# among a million), an IP prefix, and a word in no comment (the worst case for an ordered walk).
SEARCHES = (
    ("common word", "ciclabile"),
    ("one author", "lettore1234@example.it"),
    ("ip", "93.44.12.7"),
    ("no match", "zanzibar"),
)


def filter_cases(fetch: Fetch, tokens: dict[str, str], order: str) -> list[Case]:
    """The web UI's filters: text search, score range, classifier version; with a cursor."""
    one, many = tokens["one"], tokens["several"]
    cases = []
    for label, search in SEARCHES:
        for status in ("pending", "approved"):
            path = queue_path(status=status, order=order, q=search)
            cases.append(Case(f"one site, q={label}, {status}", order, one, [path]))
        path = queue_path(status="pending", order=order, q=search)
        cases.append(Case(f"several sites, q={label}", order, many, [path]))
    query = {"status": "pending", "order": order, "min_score": "0.5", "max_score": "0.7"}
    paths = with_cursors(fetch, one, query, [])
    cases.append(Case("one site, score range", order, one, [queue_path(**query), *paths]))
    query = {"status": "approved", "order": order, "classifier_version": "bench-v1"}
    cases.append(Case("one site, classifier_version", order, one, [queue_path(**query)]))
    return cases


def count_cases(tokens: dict[str, str]) -> list[Case]:
    """Counts per status (capped: see service/moderation/review/counts.py), with and without
    a search."""
    searches = [("no search", "/api/v1/moderation/queue/counts")] + [
        (label, "/api/v1/moderation/queue/counts?" + urlencode({"q": search}))
        for label, search in SEARCHES
    ]
    return [
        Case(f"{name}, counts, {label}", "-", tokens[name], [path])
        for name in ("one", "several")
        for label, path in searches
    ]


def write_lua(case: Case, folder: Path, number: int) -> Path:
    """The wrk script of one case."""
    script = folder / f"case-{number}.lua"
    paths = ", ".join(lua_string(path) for path in case.paths)
    authorization = lua_string(f"Bearer {case.token}")
    script.write_text(
        (LUA_SCRIPT + LUA_COUNTING_TAIL) % {"authorization": authorization, "paths": paths}
    )
    return script


def wrk(port: int, script: Path, connections: int, seconds: int) -> WrkResult:
    """Run wrk once (one thread) against the web server."""
    url = f"http://127.0.0.1:{port}/"
    return run_wrk(url, script, connections=connections, seconds=seconds, threads=1)


@contextlib.contextmanager
def web_server(workers: int, scratch: Path) -> Iterator[tuple[int, subprocess.Popen]]:
    """`moderato web`'s gunicorn on a free port, in its own process group; stopped at exit."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": DATABASE_URL, "MODERATO_DATA_DIR": str(scratch)}
    log = (scratch / "web.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        web_command("127.0.0.1", port, workers),
        cwd=REPO_ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_serving(port, process, scratch / "web.log")
        yield port, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wait_until_serving(port: int, process: subprocess.Popen, log: Path) -> None:
    """Return once gunicorn answers HTTP; fail if it exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_SECONDS} s")


def serving_pids(master: int) -> tuple[list[int], list[int]]:
    """The gunicorn workers (the master's children) and the PostgreSQL backends of the bench
    database (other than this script's own connections)."""
    workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (DATABASE,),
        ).fetchall()
    return workers, [pid for (pid,) in rows]


def worker_rss_mb(master: int) -> list[float]:
    """VmRSS of each gunicorn worker (the master's children), in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for child in children:
        status = Path(f"/proc/{child}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        if found:
            sizes.append(int(found.group(1)) / 1024)
    return sizes


def print_table(results: list[tuple[Case, WrkResult, Cpu]]) -> None:
    """p50/p99 per case beside the target, and the CPU each request cost."""
    print(
        f"\n{'case':38s}{'order':8s}{'paths':>6s}{'req/s':>8s}{'p50 ms':>8s}{'p99 ms':>8s}", end=""
    )
    print(f"{'goal':>8s}  result  {'CPU ms: web':>11s}{'PG':>6s}  other answers")
    for case, r, cpu in results:
        others = r.responses - r.count((200,))
        codes = (
            f"{others} non-200 ({r.statuses}), {r.socket_errors} socket errors"
            if (others or r.socket_errors)
            else ""
        )
        ok = r.p99_ms < TARGET_P99_MS and not others and not r.socket_errors
        print(f"{case.label:38s}{case.order:8s}{len(case.paths):6d}{r.rate((200,)):8.1f}", end="")
        print(f"{r.p50_ms:8.1f}{r.p99_ms:8.1f}{'< 50':>8s}  {verdict(ok):6s}  ", end="")
        print(f"{cpu.web_ms:11.2f}{cpu.database_ms:6.2f}  {codes}")
    met = sum(r.p99_ms < TARGET_P99_MS for _, r, _ in results)
    print(f"\np99 < {TARGET_P99_MS:.0f} ms: {met} of {len(results)} cases")


def main() -> None:
    """Seed (or reuse) the database, run every case, print the tables."""
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    if shutil.which("wrk") is None:
        sys.exit("wrk is not on PATH (apt-get install wrk)")
    rows = stored_rows()
    if args.reseed or rows != ROWS:
        print(f"seeding {ROWS:,} comments into {DATABASE} (found: {rows}) ...", flush=True)
        seed()
    else:
        print(f"reusing {DATABASE} ({rows:,} comments; --reseed to seed again)", flush=True)
    moderato("db", "upgrade")  # a reused database gets this branch's migrations
    tokens = create_moderators()
    scratch = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    try:
        with web_server(args.workers, scratch) as (port, process):
            cases = [c for c in define_cases(http_fetch(port), tokens) if args.only in c.label]
            print(
                f"{len(cases)} cases; gunicorn {args.workers} sync workers; wrk 1 thread, "
                f"{args.connections} connections, {args.duration} s per case after "
                f"{WARM_UP_SECONDS} s warm-up; load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            results = []
            for number, case in enumerate(cases):
                script = write_lua(case, scratch, number)
                wrk(port, script, args.connections, WARM_UP_SECONDS)
                web, database = serving_pids(process.pid)
                before = total_cpu_seconds(web), total_cpu_seconds(database)
                result = wrk(port, script, args.connections, args.duration)
                cpu = Cpu(
                    (total_cpu_seconds(web) - before[0]) * 1000 / max(result.responses, 1),
                    (total_cpu_seconds(database) - before[1]) * 1000 / max(result.responses, 1),
                )
                results.append((case, result, cpu))
                print(
                    f"  {case.label}, {case.order}: p99 {result.p99_ms:.1f} ms, CPU per request "
                    f"{cpu.web_ms:.2f} ms web + {cpu.database_ms:.2f} ms PostgreSQL",
                    flush=True,
                )
            rss = worker_rss_mb(process.pid)
        print(f"load average at end: {os.getloadavg()[0]:.2f} (2 cores)")
        print_table(results)
        largest = max(rss, default=0.0)
        sizes = ", ".join(f"{size:.0f}" for size in rss)
        print(
            f"web worker RSS after the run: largest {largest:.0f} MB (each: {sizes}); "
            f"goal <= {TARGET_RSS_MB:.0f} MB  {verdict(largest <= TARGET_RSS_MB)}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
