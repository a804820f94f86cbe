"""Benchmark HTTP intake: Moderato against Isso and a trivial Flask endpoint (see bench/README.md).

Run from the repository root: `python -m bench.intake [--duration 10] [--connections 16]
[--rounds 3] [--workers 5] [--only moderato,isso,trivial,commit]`. Needs PostgreSQL and Redis on
localhost (as `make test` does), `wrk` on PATH and PyPI for the first run (Isso is installed
into bench/.cache/isso-venv and reused afterwards).

Protocol:

* **Moderato** `POST /api/v1/comments` with a site key, on PostgreSQL (`moderato_bench_intake`,
  dropped and created at start, set up with `moderato db upgrade` and `moderato sites create`)
  and Redis database 12 (flushed at start and end). No Celery worker runs: the classification
  tasks pile up in Redis, so only the web process is measured.
* **Isso 0.14** `POST /new?uri=/article-1`, moderation on (answers 202), guard off, SQLite in
  a temporary folder. The body carries a `title` so Isso never fetches the article page.
* **trivial**: `bench/trivial_app.py`, a Flask view that parses the JSON body and answers 202.
* **commit** (a peer, not a target): `bench/commit_app.py`, a Flask view that stores the same
  body with one psycopg INSERT in autocommit into `bench_comments` (made here as
  `LIKE comments INCLUDING ALL`): what one commit per request costs, whatever the app does.

All four run under gunicorn with the same settings (`--workers N`, sync workers, bound to
127.0.0.1 on a free port, no access log: gunicorn's default) and are started once, before the
first round. Each round runs wrk against Moderato, Isso, trivial, then commit (same connections
and duration, 2 wrk threads, `--latency`), each measured run preceded by a 2-second warm-up
with the same request. A Lua script written to a temporary file sends the POST, counts the
answers by status and the requests sent, and prints them with p50/p99 from wrk's `done` hook.
req/s counts successful answers only (202 for Moderato and trivial, 201/202 for Isso); other
statuses and socket errors are reported beside them.

After every Moderato run (warm-ups too) the rows of `comments` are counted once they stop
growing: every 202 must have a committed row (rows >= 202s), and there must be no row without
a request (rows <= 202s + requests wrk sent but dropped unanswered when it stopped, at most one
per connection). Exits 0 either way: it reports, it does not gate.
"""

import argparse
import contextlib
import importlib.metadata
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

from bench.cpu import CpuShare, cpu_seconds_by_role, share
from bench.wrk import LUA_COUNTING_TAIL, WrkResult, run_wrk

REPO_ROOT = Path(__file__).resolve().parents[1]
ISSO_VENV = REPO_ROOT / "bench" / ".cache" / "isso-venv"
ISSO_REQUIREMENT = "isso==0.14.*"
DATABASE = "moderato_bench_intake"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/12"
SERVERS = ("moderato", "isso", "trivial", "commit")
WARM_UP_SECONDS = 2
WRK_THREADS = 2
START_TIMEOUT_SECONDS = 90
# Targets from the issue, judged on the medians over the rounds.
TARGET_VS_ISSO = 4.0
TARGET_VS_TRIVIAL = 0.30
TARGET_P99_MS = 50.0
# A typical comment on an Italian news site, the same text for every server.
COMMENT = {
    "author": "Giulia Bianchi",
    "email": "giulia.bianchi@example.it",
    "text": (
        "Finalmente una pista ciclabile in via Roma! La aspettavamo da anni. Speriamo solo "
        "che la mantengano pulita e che i lavori all'incrocio con corso Garibaldi finiscano "
        "prima dell'estate, perché adesso il traffico la mattina è impossibile."
    ),
    "article": "2026/12/pista-ciclabile-via-roma",
    "title": "Via Roma, apre la nuova pista ciclabile",
    "ip": "93.44.12.7",
}
LUA_SCRIPT = """
-- Written by bench/intake.py: POST one comment, count answers by status and requests sent.
wrk.method = "POST"
wrk.body = %(body)s
%(headers)s
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  sent = 0
  prepared = wrk.format()
end

function request()
  sent = sent + 1
  return prepared
end

"""


@dataclass
class Server:
    """One server under test: how to start it and what to send it."""

    name: str
    command: list[str]
    env: dict[str, str]
    path: str
    body: dict
    headers: dict[str, str]
    success: tuple[int, ...]
    port: int = 0
    process: subprocess.Popen | None = None


def parse_args() -> argparse.Namespace:
    """Command-line options; the defaults are the issue's protocol."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers")
    parser.add_argument(
        "--only", default=",".join(SERVERS), help="comma-separated subset of " + ",".join(SERVERS)
    )
    args = parser.parse_args()
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(SERVERS)
    if unknown:
        parser.error(f"unknown server(s): {', '.join(sorted(unknown))}")
    return args


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict[str, str] | None = None) -> str:
    """Run a fixed command of ours, fail loudly, return its standard output."""
    # Our own interpreters and tools with fixed arguments: nothing here comes from outside.
    done = subprocess.run(  # noqa: S603
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def gunicorn_command(python: Path, app: str, workers: int) -> list[str]:
    """The same gunicorn settings for every server; the port is filled in at start."""
    return [str(python), "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync", app]


def ensure_isso_venv() -> Path:
    """Isso 0.14 and our gunicorn version in a scratch venv, created once and reused."""
    python = ISSO_VENV / "bin" / "python"
    gunicorn = f"gunicorn=={importlib.metadata.version('gunicorn')}"
    # Not `import isso.run`: it builds the app and exits without a configuration.
    probe = "import gunicorn, importlib.metadata as m; assert m.version('isso').startswith('0.14')"
    check = [str(python), "-c", probe]
    if python.exists() and subprocess.run(check, capture_output=True, check=False).returncode == 0:  # noqa: S603
        return python
    print(f"installing {ISSO_REQUIREMENT} into {ISSO_VENV.relative_to(REPO_ROOT)} ...", flush=True)
    run([sys.executable, "-m", "venv", "--clear", str(ISSO_VENV)])
    run([str(python), "-m", "pip", "install", "-q", ISSO_REQUIREMENT, gunicorn])
    return python


def prepare_moderato() -> tuple[dict[str, str], str]:
    """Fresh database and Redis db, migrated with the project's commands; return env and key."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = os.environ | {"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL}
    moderato = str(Path(sys.executable).parent / "moderato")
    run([moderato, "db", "upgrade"], env)
    printed = run([moderato, "sites", "create", "Bench"], env)
    key = re.search(r"api key: (sk_\S+)", printed)
    assert key, f"no api key in: {printed}"
    return env, key.group(1)


def write_isso_config(folder: Path) -> Path:
    """Isso's configuration: moderation on, guard off, SQLite in `folder`."""
    config = folder / "isso.cfg"
    config.write_text(
        "[general]\n"
        f"dbpath = {folder / 'comments.db'}\n"
        # A closed port: Isso's start-up check of the site fails at once and is only a warning.
        f"host = http://127.0.0.1:{free_port()}/\n"
        "[moderation]\nenabled = true\n"
        "[guard]\nenabled = false\n"
    )
    return config


def define_servers(workers: int, only: list[str], scratch: Path) -> list[Server]:
    """The servers to compare, in round order; set up only those asked for."""
    servers = []
    comment_body = {
        "article_id": COMMENT["article"],
        "author_name": COMMENT["author"],
        "author_email": COMMENT["email"],
        "body": COMMENT["text"],
        "author_ip": COMMENT["ip"],
    }
    env, key = prepare_moderato()
    if "moderato" in only:
        command = gunicorn_command(Path(sys.executable), "service.wsgi:app", workers)
        headers = {"Authorization": f"Bearer {key}"}
        servers.append(
            Server("moderato", command, env, "/api/v1/comments", comment_body, headers, (202,))
        )
    if "isso" in only:
        python = ensure_isso_venv()
        env = os.environ | {"ISSO_SETTINGS": str(write_isso_config(scratch))}
        run([str(python), "-c", "import isso.run"], env)  # create the database in one process
        body = {k: COMMENT[k] for k in ("text", "author", "email", "title")}
        command = gunicorn_command(python, "isso.run", workers)
        servers.append(Server("isso", command, env, "/new?uri=/article-1", body, {}, (201, 202)))
    if "trivial" in only:
        command = gunicorn_command(Path(sys.executable), "bench.trivial_app:app", workers)
        trivial_body = {"text": comment_body["body"]}
        servers.append(
            Server("trivial", command, dict(os.environ), "/comments", trivial_body, {}, (202,))
        )
    if "commit" in only:
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_comments (LIKE comments INCLUDING ALL)")
        command = gunicorn_command(Path(sys.executable), "bench.commit_app:app", workers)
        commit_env = os.environ | {"BENCH_DATABASE_URL": DATABASE_URL}
        servers.append(Server("commit", command, commit_env, "/comments", comment_body, {}, (202,)))
    return servers


def start(server: Server, logs: Path) -> None:
    """Start gunicorn in its own process group and wait until it answers HTTP."""
    server.port = free_port()
    command = [*server.command[:3], "--bind", f"127.0.0.1:{server.port}", *server.command[3:]]
    log = (logs / f"{server.name}.log").open("w")
    server.process = subprocess.Popen(  # noqa: S603
        command, cwd=REPO_ROOT, env=server.env, stdout=log, stderr=log, start_new_session=True
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = (logs / f"{server.name}.log").read_text()[-3000:]
            raise RuntimeError(f"{server.name} exited at start:\n{tail}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means a worker is serving
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{server.name} did not answer within {START_TIMEOUT_SECONDS} s")


def stop(server: Server) -> None:
    """Stop gunicorn and its workers: the whole process group."""
    if server.process is None or server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


@contextlib.contextmanager
def running(servers: list[Server], logs: Path) -> Iterator[None]:
    """Start every server; stop all that were started, whatever happens."""
    try:
        for server in servers:
            start(server, logs)
        yield
    finally:
        for server in servers:
            stop(server)


def lua_string(text: str) -> str:
    """A Lua string literal (JSON's escapes are valid Lua for this ASCII-escaped text)."""
    return json.dumps(text, ensure_ascii=True)


def write_lua(server: Server, folder: Path) -> Path:
    """The wrk script for one server: its body and headers, the counting hooks."""
    headers = {"Content-Type": "application/json"} | server.headers
    lines = "\n".join(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    body = json.dumps(server.body, ensure_ascii=False)
    script = folder / f"{server.name}.lua"
    # Lua strings are bytes: write the UTF-8 body as \ddd escapes so Content-Length is exact.
    escaped = '"' + "".join(f"\\{b}" for b in body.encode()) + '"'
    script.write_text((LUA_SCRIPT + LUA_COUNTING_TAIL) % {"body": escaped, "headers": lines})
    return script


def wrk(server: Server, script: Path, connections: int, seconds: int) -> WrkResult:
    """Run wrk once against the server."""
    url = f"http://127.0.0.1:{server.port}{server.path}"
    return run_wrk(url, script, connections=connections, seconds=seconds, threads=WRK_THREADS)


def count_comments() -> int:
    """Rows in Moderato's comments table, once they stop growing (requests still finishing)."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        previous = -1
        while True:
            (count,) = conn.execute("SELECT count(*) FROM comments").fetchone()
            if count == previous:
                return count
            previous = count
            time.sleep(0.5)


@dataclass
class CommitCheck:
    """Rows committed by Moderato against the answers wrk saw, summed over its runs."""

    rows: int = 0
    accepted: int = 0
    unanswered: int = 0

    def add(self, rows: int, result: WrkResult) -> None:
        """Add one wrk run and the rows it left."""
        self.rows += rows
        self.accepted += result.count((202,))
        self.unanswered += result.sent - result.responses

    def holds(self) -> bool:
        """Every 202 has its row, and no row lacks a request."""
        return self.accepted <= self.rows <= self.accepted + self.unanswered


def measure(
    server: Server, script: Path, args: argparse.Namespace, check: CommitCheck
) -> tuple[WrkResult, CpuShare]:
    """A warm-up, then the measured run and the CPU it cost; for Moderato, count the rows
    each run left."""
    assert server.process is not None  # started: its pid leads its process group
    before = count_comments() if server.name == "moderato" else 0
    warm_up = wrk(server, script, args.connections, WARM_UP_SECONDS)
    if server.name == "moderato":
        after = count_comments()
        check.add(after - before, warm_up)
        before = after
    cpu_before = cpu_seconds_by_role(server.process.pid)
    result = wrk(server, script, args.connections, args.duration)
    cpu = share(cpu_before, cpu_seconds_by_role(server.process.pid), result.responses)
    if server.name == "moderato":
        check.add(count_comments() - before, result)
    return result, cpu


def print_rounds(servers: list[Server], results: dict[str, list[WrkResult]]) -> None:
    """One line per round and server, then the medians."""
    print(f"\n{'round':7s}{'server':10s}{'req/s':>9s}{'p50 ms':>9s}{'p99 ms':>9s}", end="")
    print(f"{'ok':>9s}{'non-2xx':>9s}{'sock err':>10s}  statuses")
    rounds = len(next(iter(results.values())))
    for number in range(rounds):
        for server in servers:
            r = results[server.name][number]
            ok = r.count(server.success)
            others = r.responses - r.count(tuple(range(200, 300)))
            codes = " ".join(f"{s}:{n}" for s, n in sorted(r.statuses.items()))
            print(f"{number + 1:<7d}{server.name:10s}{r.rate(server.success):9.1f}", end="")
            print(f"{r.p50_ms:9.1f}{r.p99_ms:9.1f}{ok:9d}{others:9d}{r.socket_errors:10d}  {codes}")
    for server in servers:
        rates, p99 = median_rate(server, results), median_p99(server, results)
        print(f"{'median':7s}{server.name:10s}{rates:9.1f}{'':9s}{p99:9.1f}")


def print_cpu(servers: list[Server], cpu: dict[str, list[CpuShare]]) -> None:
    """The CPU each answered request cost, medians over the rounds: the server's processes,
    PostgreSQL and Redis (the machine is saturated, so their sum bounds the rate)."""
    header = "".join(f"{name:>9s}" for name in ("server", "PG", "Redis", "total"))
    print(f"\n{'CPU ms per request (median)':28s}{header}")
    for server in servers:
        shares = cpu[server.name]
        columns = [
            statistics.median(getattr(s, role) for s in shares)
            for role in ("server", "postgres", "redis", "total")
        ]
        print(f"{server.name:28s}" + "".join(f"{value:9.3f}" for value in columns))


def median_rate(server: Server, results: dict[str, list[WrkResult]]) -> float:
    """Median successful answers per second over the rounds."""
    return statistics.median(r.rate(server.success) for r in results[server.name])


def median_p99(server: Server, results: dict[str, list[WrkResult]]) -> float:
    """Median p99 latency in milliseconds over the rounds."""
    return statistics.median(r.p99_ms for r in results[server.name])


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def print_targets(
    servers: list[Server], results: dict[str, list[WrkResult]], args: argparse.Namespace
) -> None:
    """The ratios per round and of the medians, and the issue's targets beside them."""
    by_name = {server.name: server for server in servers}
    if "moderato" not in by_name:
        return
    moderato = by_name["moderato"]
    print(f"\n{'target':40s}{'measured':>12s}{'goal':>12s}  result")
    for other, goal in (("isso", TARGET_VS_ISSO), ("trivial", TARGET_VS_TRIVIAL)):
        if other not in by_name:
            continue
        rounds = [
            m.rate(moderato.success) / o.rate(by_name[other].success)
            for m, o in zip(results["moderato"], results[other], strict=True)
        ]
        ratio = median_rate(moderato, results) / median_rate(by_name[other], results)
        label = f"Moderato / {'Isso' if other == 'isso' else 'trivial'} req/s (medians)"
        print(f"{label:40s}{ratio:11.2f}x{goal:>11.2f}x  {verdict(ratio >= goal)}")
        print(f"{'  per round':40s}" + "  ".join(f"{r:.2f}x" for r in rounds))
    p99 = median_p99(moderato, results)
    label = f"Moderato p99 at {args.connections} connections (median)"
    print(f"{label:40s}{p99:9.1f} ms{TARGET_P99_MS:9.0f} ms  {verdict(p99 <= TARGET_P99_MS)}")
    if "commit" in by_name:
        print_commit_peer(by_name, results)


def print_commit_peer(by_name: dict[str, Server], results: dict[str, list[WrkResult]]) -> None:
    """Where the commit-only peer stands against the same goals: the ceiling for any
    endpoint that commits each comment under these gunicorn settings (not a target)."""
    commit = median_rate(by_name["commit"], results)
    print(f"\n{'commit-only peer (bench/commit_app.py)':40s}{'measured':>12s}{'goal':>12s}")
    moderato = median_rate(by_name["moderato"], results)
    print(f"{'Moderato / commit-only req/s (medians)':40s}{moderato / commit:11.2f}x")
    for other, goal in (("isso", TARGET_VS_ISSO), ("trivial", TARGET_VS_TRIVIAL)):
        if other in by_name:
            ratio = commit / median_rate(by_name[other], results)
            print(f"{'commit-only / ' + other + ' req/s (medians)':40s}{ratio:11.2f}x{goal:11.2f}x")
    p99 = median_p99(by_name["commit"], results)
    print(f"{'commit-only p99 (median)':40s}{p99:9.1f} ms{TARGET_P99_MS:9.0f} ms")


def print_commit_check(check: CommitCheck) -> None:
    """Rows in the comments table against the 202 answers wrk counted."""
    total = count_comments()
    print(
        f"\nEvery 202 committed before the answer (all Moderato runs, warm-ups included): "
        f"{check.accepted} answers 202, {check.rows} rows added, {check.unanswered} requests "
        f"sent but unanswered when wrk stopped; comments table holds {total} rows."
    )
    extra = check.rows - check.accepted
    print(
        f"every 202 has its row and no row lacks a request (202s <= rows <= 202s + unanswered): "
        f"{verdict(check.holds())}; rows - 202s = {extra}: requests wrk abandoned in flight "
        f"at its cutoff that the server still committed"
    )


def main() -> None:
    """Set up, run the interleaved rounds, print the tables, clean up."""
    args = parse_args()
    # A plain kill ends the bench through the `finally` blocks, which stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    if shutil.which("wrk") is None:
        sys.exit("wrk is not on PATH (apt-get install wrk)")
    scratch = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    results: dict[str, list[WrkResult]] = {}
    cpu: dict[str, list[CpuShare]] = {}
    check = CommitCheck()
    try:
        servers = define_servers(args.workers, args.only, scratch)
        scripts = {server.name: write_lua(server, scratch) for server in servers}
        print(
            f"{', '.join(s.name for s in servers)}: gunicorn {args.workers} sync workers each; "
            f"wrk {WRK_THREADS} threads, {args.connections} connections, {args.duration} s runs "
            f"after {WARM_UP_SECONDS} s warm-ups, {args.rounds} interleaved rounds",
            flush=True,
        )
        load = os.getloadavg()
        print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
        with running(servers, scratch):
            for number in range(args.rounds):
                for server in servers:
                    result, used = measure(server, scripts[server.name], args, check)
                    results.setdefault(server.name, []).append(result)
                    cpu.setdefault(server.name, []).append(used)
                    print(
                        f"round {number + 1} {server.name}: "
                        f"{result.rate(server.success):.1f} req/s, p99 {result.p99_ms:.1f} ms",
                        flush=True,
                    )
        load = os.getloadavg()
        print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
        print_rounds(servers, results)
        print_cpu(servers, cpu)
        print_targets(servers, results, args)
        if "moderato" in args.only:
            print_commit_check(check)
    finally:
        if "moderato" in args.only:
            redis.Redis.from_url(REDIS_URL).flushdb()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
