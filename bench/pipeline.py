"""Benchmark the classification pipeline: backlog drain, open-loop latency, worker memory.

Run from the repository root: `python -m bench.pipeline [--backlog 10000] [--rate 500]
[--duration 20] [--runs 1x2,2x1,1x2:1:2000]`. Needs PostgreSQL on localhost and
`redis-server` on PATH.

Protocol:

* **Set-up.** A scratch PostgreSQL database (`moderato_bench_pipeline`, dropped and created at
  start) migrated with `moderato db upgrade`, one site (`moderato sites create`, post-moderation)
  and the default classifier trained from the seed corpus (`moderato train`), and a private,
  throw-away `redis-server` on a free port, so nothing in the shared Redis is touched. Workers
  run the real scikit-learn classifier (`CLASSIFIER_BACKEND=sklearn`) with the settings of
  `service/config.py`; every process group the bench starts is stopped in `finally`.
* **Comments** cycle through the 612 texts of `classifier/seed/comments.jsonl` (six languages,
  spam and legitimate), each with an author, an e-mail address and an IP address.
* **(1) Drain.** With no worker running, 10,000 comments are stored through `storing.admit` in
  transactions of 500, with `PUBLISH_WINDOW_SECONDS=0` so that each commit publishes one
  classification message per comment: the costliest backlog there can be. A run marked
  `@intake` stores its backlog as intake does instead, one transaction a comment, with the
  batch publisher (service/moderation/intake/publisher.py) sending at most one message per window
  (PUBLISH_WINDOW_SECONDS); the bench prints how many messages each backlog took.
  Then the workers start, as the command line of `moderato
  worker` (`service.processes.worker_command`) with a `--hostname` each: `1x2` is one worker
  with `--concurrency 2` (one main process, two pool processes), `2x1` two workers with
  `--concurrency 1`, `2xsolo` two workers with `--pool solo` (each decides its batches in its
  own main process). Each run may set the batch size (`MODERATO_CLASSIFY_BATCH_SIZE`, default
  the configured one); `1x2:1:2000`, batches of one message on a 2,000-comment backlog, is the
  old one-task-per-comment path, the peer the batched runs are compared with; a fourth field
  sets `--prefetch-multiplier` (the configured one is twice the batch size). The clock runs
  from the moment every worker has logged "ready" (the classifier is loaded by the first
  batch, inside the timing) until no comment is `queued`.
* **(2) Open-loop latency**, on the first run's workers, after its drain. Comments are not
  sent over HTTP but inserted directly and published as intake publishes them (each sender
  process has its own batch publisher, as each web process does, and its window counts in
  the latency): the intake service function
  costs about 2 ms of CPU a comment here, so at 500/s the load generator alone would take a
  whole core of this 2-core machine from the workers (bench/intake.py measures the HTTP side).
  Due times are fixed in advance, one every 1/rate seconds; time is cut into 10 ms ticks,
  shared round-robin between `--senders` processes (2), and at the end of each tick its
  sender inserts the comments due in it (one multi-row INSERT with the columns `storing.admit`
  writes, one commit) and publishes their messages. A sender that falls behind sends late,
  but latency is counted from each comment's due time, so a slow system cannot slow the
  offered load down (no coordinated omission). Latency is
  `decided_at` (written by the worker) minus the scheduled send time, read from the database
  once every comment is decided. The send lag (actual minus scheduled send) is printed too:
  if it is large, the generator, not the pipeline, was the bottleneck.
* **(3) Memory.** During every run a sampler reads VmRSS from /proc for each worker's main
  process and its pool processes every 0.25 s; the peak of each is printed. The CPU time
  (user + system) each kind of process used during a drain is printed per comment too: on a
  busy shared machine it says more about the cost of the work than the wall clock does.

Exits 0 either way: it reports, it does not gate.
"""

import argparse
import contextlib
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import redis
from flask import Flask
from sqlalchemy import insert

from bench.cpu import process_cpu_seconds
from models import Comment, utcnow
from service import create_app
from service.accounts.auth import SiteRef
from service.config import Config
from service.extensions import db
from service.moderation.intake import storing
from service.moderation.intake.publisher import EXTENSION, publish_new
from service.names import Queues
from service.processes import worker_command
from tests.support.processes import ManagedProcess, free_port, start_redis, wait_for

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = REPO_ROOT / "classifier" / "seed" / "comments.jsonl"
DATABASE = "moderato_bench_pipeline"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
ADMIT_CHUNK = 500
RSS_SAMPLE_SECONDS = 0.25
TICK_SECONDS = 0.01  # the open loop's senders send what is due every 10 ms
ROLES = ("main", "pool")
# Targets from the issue.
TARGET_DRAIN_PER_SECOND = 1000.0
TARGET_P99_MS = 250.0
TARGET_RSS_MB = 250.0


@dataclass
class Sampler:
    """Peak VmRSS of every process in the workers' process trees, sampled in a thread."""

    roots: list[int]
    peaks: dict[int, tuple[str, float]] = field(default_factory=dict)
    cpu: dict[int, tuple[str, float, float]] = field(default_factory=dict)  # first, last
    stop_event: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Sample until stopped."""
        while not self.stop_event.wait(RSS_SAMPLE_SECONDS):
            for root in self.roots:
                self.sample(root, "main")
                for child in children_of(root):
                    self.sample(child, "pool")

    def sample(self, pid: int, role: str) -> None:
        """Record the process's RSS if it is a new peak, and its CPU time."""
        rss = rss_mb(pid)
        if rss is not None and rss > self.peaks.get(pid, ("", 0.0))[1]:
            self.peaks[pid] = (role, rss)
        seconds = process_cpu_seconds(pid)
        if seconds is not None:
            first = self.cpu.get(pid, (role, seconds, seconds))[1]
            self.cpu[pid] = (role, first, seconds)

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds used while sampled, summed over the main and over the pool processes."""
        totals: dict[str, float] = {}
        for role, first, last in self.cpu.values():
            totals[role] = totals.get(role, 0.0) + last - first
        return totals


def rss_mb(pid: int) -> float | None:
    """VmRSS of a process in MB, or None if it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def children_of(pid: int) -> list[int]:
    """Direct children of a process (its Celery pool processes)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@contextlib.contextmanager
def sampling(workers: list[ManagedProcess]) -> Iterator[Sampler]:
    """Sample the workers' memory for the duration of the block."""
    sampler = Sampler([w.process.pid for w in workers if w.process is not None])
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    try:
        yield sampler
    finally:
        sampler.stop_event.set()
        thread.join()


def parse_args() -> argparse.Namespace:
    """Command-line options; the defaults are the issue's protocol."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=10_000, help="comments to drain")
    parser.add_argument("--rate", type=float, default=500.0, help="open-loop comments/s")
    parser.add_argument("--duration", type=float, default=20.0, help="open-loop seconds")
    parser.add_argument("--senders", type=int, default=2, help="open-loop sender processes")
    parser.add_argument("--keep-logs", action="store_true", help="keep the workers' logs")
    parser.add_argument(
        "--runs",
        default="1x2,1x2@intake,2x1,1x2:1:2000",
        help="drains, comma-separated: WxC[@intake][:B[:N[:P]]] = W workers of --concurrency C "
        "(or solo: --pool solo), a backlog stored as intake stores it (@intake: one transaction "
        "a comment, messages from the batch publisher; otherwise one message a comment), batches "
        "of B (default: the configured size), a backlog of N (default: --backlog), "
        "--prefetch-multiplier P (default: the configured one)",
    )
    args = parser.parse_args()
    args.runs = [Run.parse(spec, args.backlog) for spec in args.runs.split(",")]
    return args


def run(command: list[str], env: dict[str, str]) -> str:
    """Run one of our fixed commands, fail loudly, return its standard output."""
    done = subprocess.run(  # noqa: S603 - our own `moderato` with fixed arguments
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(broker_url: str) -> tuple[dict[str, str], int]:
    """Fresh database with one site and the default classifier; the workers' environment."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATO_")}
    env |= {"DATABASE_URL": DATABASE_URL, "REDIS_URL": broker_url, "PYTHONPATH": str(REPO_ROOT)}
    env["MODERATO_CLASSIFIER_BACKEND"] = "sklearn"
    moderato = str(Path(sys.executable).parent / "moderato")
    run([moderato, "db", "upgrade"], env)
    run([moderato, "sites", "create", "Bench"], env)
    run([moderato, "train"], env)
    with psycopg.connect(DATABASE_URL) as conn:
        (site_id,) = conn.execute("SELECT id FROM sites").fetchone()
    return env, site_id


def comment_values(texts: list[str], number: int) -> dict[str, str]:
    """The fields of the `number`-th comment."""
    return {
        "article_id": f"2026/12/article-{number % 50}",
        "author_name": f"Reader {number}",
        "author_email": f"reader{number}@example.it",
        "author_ip": f"93.44.{number // 250 % 250}.{number % 250 + 1}",
        "body": texts[number % len(texts)],
    }


def store_backlog(app: Flask, site: SiteRef, texts: list[str], count: int, start: int) -> None:
    """Store `count` comments through the gate; each commit publishes one message a comment."""
    with app.app_context():
        for first in range(start, start + count, ADMIT_CHUNK):
            for number in range(first, min(first + ADMIT_CHUNK, start + count)):
                storing.admit({**comment_values(texts, number), "site_id": site.id})
            db.session.commit()


def store_backlog_as_intake(site: SiteRef, texts: list[str], count: int, start: int) -> None:
    """Store `count` comments as intake does, one transaction each, with the batch publisher
    (PUBLISH_WINDOW_SECONDS as configured) gathering their ids into messages."""
    app = create_app({"PUBLISH_WINDOW_SECONDS": Config.PUBLISH_WINDOW_SECONDS})
    with app.app_context():
        for number in range(start, start + count):
            storing.admit({**comment_values(texts, number), "site_id": site.id})
            db.session.commit()
    app.extensions[EXTENSION].flush()


def waiting_messages(broker_url: str) -> int:
    """Messages in the moderation queue (none is consumed yet)."""
    return int(redis.Redis.from_url(broker_url).llen(Queues.MODERATION))


def queued_count() -> int:
    """Comments not decided yet."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        (count,) = conn.execute("SELECT count(*) FROM comments WHERE status = 'queued'").fetchone()
    return count


@dataclass(frozen=True)
class Run:
    """One drain: how many workers of what concurrency, the batch size, the backlog."""

    workers: int
    concurrency: int | None  # None: the solo pool (batches run in the worker's main process)
    batch_size: int
    backlog: int
    prefetch: int | None = None  # None: the configured worker_prefetch_multiplier
    intake_shaped: bool = False  # the backlog's messages as intake's batch publisher sends them

    @classmethod
    def parse(cls, spec: str, backlog: int) -> "Run":
        """`WxC[:B[:N[:P]]]`: W workers of concurrency C (or `solo`), batches of B, a backlog
        of N, a prefetch multiplier of P."""
        layout, *rest = spec.split(":")
        layout, shaped, _ = layout.partition("@intake")
        workers, concurrency = layout.split("x")
        batch = int(rest[0]) if rest else int(Config.CLASSIFY_BATCH_SIZE)
        size = int(rest[1]) if len(rest) > 1 else backlog
        prefetch = int(rest[2]) if len(rest) > 2 else None
        pool = None if concurrency == "solo" else int(concurrency)
        return cls(int(workers), pool, batch, size, prefetch, bool(shaped))

    @property
    def name(self) -> str:
        """How the tables name this run."""
        name = f"{self.workers}x{self.concurrency or 'solo'} batch {self.batch_size}"
        name += " @intake" if self.intake_shaped else ""
        return name + (f" pf {self.prefetch}" if self.prefetch else "")

    def command(self, app: Flask, number: int) -> list[str]:
        """The worker command line: `moderato worker`'s, with a host name of its own."""
        pool = "solo" if self.concurrency is None else None
        command = worker_command(app, concurrency=self.concurrency, pool=pool)
        if self.prefetch:
            command += ["--prefetch-multiplier", str(self.prefetch)]
        return command + ["--hostname", f"bench{number}-{os.getpid()}@%h"]


def start_workers(
    app: Flask, env: dict[str, str], run: Run, workers: list[ManagedProcess], logs: Path
) -> None:
    """The run's workers, appended to `workers` as they start, so the caller can stop them
    whatever happens."""
    for number in range(run.workers):
        log = logs / f"worker-{run.name.replace(' ', '-')}-{number}.log"
        workers.append(ManagedProcess(run.command(app, number), env, log).start())
    for worker in workers:
        wait_for(lambda w=worker: " ready." in w.log() or w.process.poll() is not None, 120)
        if worker.process.poll() is not None:
            raise RuntimeError("worker exited:\n" + worker.log()[-3000:])


def stop_all(workers: list[ManagedProcess]) -> None:
    """Stop every worker's process group."""
    for worker in workers:
        worker.stop()


@dataclass
class DrainResult:
    """One drain: how long it took, and the workers' peak memory."""

    run: Run
    seconds: float
    peaks: dict[int, tuple[str, float]]
    cpu: dict[str, float]

    @property
    def rate(self) -> float:
        """Comments decided per second."""
        return self.run.backlog / self.seconds


def drain(
    app: Flask, env: dict[str, str], run: Run, workers: list[ManagedProcess], logs: Path
) -> DrainResult:
    """Start the workers on the stored backlog; time them until nothing is queued."""
    env = env | {"MODERATO_CLASSIFY_BATCH_SIZE": str(run.batch_size)}
    start_workers(app, env, run, workers, logs)
    with sampling(workers) as sampler:
        began = time.monotonic()
        while queued_count():
            time.sleep(0.05)
        seconds = time.monotonic() - began
    return DrainResult(run, seconds, dict(sampler.peaks), sampler.cpu_by_role())


@dataclass
class LatencyResult:
    """Open-loop run: end-to-end latencies and send lags, in milliseconds."""

    latencies_ms: list[float]
    lags_ms: list[float]
    peaks: dict[int, tuple[str, float]]


def open_loop(
    site: SiteRef, texts: list[str], args: argparse.Namespace, start: int
) -> tuple[list[tuple[int, float]], list[float]]:
    """Submit comments on a fixed schedule from `args.senders` processes; returns
    (id, scheduled wall time) of each and the send lags in ms."""
    count = int(args.rate * args.duration)
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no inherited sockets
    ready, go, origin = context.Barrier(args.senders + 1), context.Event(), context.Value("d")
    results = context.Queue()
    schedule = Schedule(origin, args.rate, count, args.senders, start)
    senders = [
        context.Process(target=send_share, args=(n, schedule, site, texts, ready, go, results))
        for n in range(args.senders)
    ]
    for sender in senders:
        sender.start()
    ready.wait(timeout=120)  # every sender has built its app
    origin.value = time.time() + 0.5
    go.set()
    shares = [results.get(timeout=args.duration + 300) for _ in senders]
    for sender in senders:
        sender.join()
    sent = [(cid, scheduled) for share in shares for cid, scheduled, _ in share]
    return sent, [lag for share in shares for _, _, lag in share]


@dataclass(frozen=True)
class Schedule:
    """When each comment of the open loop is due, and which sender sends it: time is cut
    into ticks of TICK_SECONDS, and sender `n` sends the comments due in every `senders`-th
    tick, starting with tick `n`."""

    origin: Any  # a shared double: the wall time of the first send, set once all are ready
    rate: float
    count: int
    senders: int
    start: int

    def ticks(self, index: int) -> Iterator[list[int]]:
        """The comment numbers sender `index` sends, tick by tick."""
        per_tick = self.rate * TICK_SECONDS
        last_tick = int(self.count / per_tick) + 1
        for tick in range(index, last_tick + 1, self.senders):
            first, end = math.ceil(tick * per_tick), math.ceil((tick + 1) * per_tick)
            numbers = list(range(first, min(end, self.count)))
            if numbers:
                yield numbers

    def due(self, number: int) -> float:
        """Wall time at which comment `number` is due."""
        return float(self.origin.value) + number / self.rate


def send_share(
    index: int, schedule: Schedule, site: SiteRef, texts: list[str],
    ready: Any, go: Any, results: Any,
) -> None:  # fmt: skip
    """One sender process: at the end of each of its ticks, the comments due in it are
    inserted as `queued` (one multi-row INSERT and a commit, as `storing.admit` writes them) and
    published one message each with intake's own publish function. A tick that is late is
    sent at once; its lag (from each comment's due time) is recorded."""
    # The sender publishes as intake does: through its own batch publisher (one per web
    # process), whose window is part of the latency measured.
    app = create_app({"PUBLISH_WINDOW_SECONDS": Config.PUBLISH_WINDOW_SECONDS})
    sent = []
    with app.app_context():
        ready.wait()
        go.wait()
        for numbers in schedule.ticks(index):
            delay = schedule.due(numbers[-1]) - time.time()
            if delay > 0:
                time.sleep(delay)
            sent_at = time.time()
            ids = insert_queued(site, [comment_values(texts, schedule.start + n) for n in numbers])
            publish_new(app, ids)
            for comment_id, number in zip(ids, numbers, strict=True):
                scheduled = schedule.due(number)
                sent.append((comment_id, scheduled, (sent_at - scheduled) * 1000))
    results.put(sent)


def insert_queued(site: SiteRef, rows: list[dict[str, str]]) -> list[int]:
    """Store comments as `queued` with the columns `storing.admit` sets; commit; their ids."""
    now = utcnow()
    values = [
        {**row, "site_id": site.id, "status": "queued", "created_at": now, "enqueued_at": now,
         "version": 1, "requeue_count": 0}
        for row in rows
    ]  # fmt: skip
    table = Comment.__table__
    ids = list(
        db.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), values
        )
    )
    db.session.commit()
    return ids


def latencies(sent: list[tuple[int, float]]) -> list[float]:
    """decided_at minus scheduled send time, in ms, once every comment is decided."""
    wait_for(lambda: queued_count() == 0, timeout=300, interval=0.2)
    scheduled = dict(sent)
    with psycopg.connect(DATABASE_URL) as conn:
        rows = conn.execute(
            "SELECT id, decided_at FROM comments WHERE id = ANY(%s)", [list(scheduled)]
        ).fetchall()
    return [(as_epoch(decided) - scheduled[cid]) * 1000 for cid, decided in rows]


def as_epoch(moment: datetime) -> float:
    """A database timestamp (UTC, naive or aware) as seconds since the epoch."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def print_drains(drains: list[DrainResult]) -> None:
    """One line per drain, and each process's peak memory."""
    print(f"\n{'run':24s}{'comments':>10s}{'seconds':>10s}{'comments/s':>12s}", end="")
    print(f"{'CPU ms/comment: main':>22s}{'pool':>7s}  peak RSS (MB)")
    for result in drains:
        memory = " ".join(f"{role}:{mb:.0f}" for role, mb in result.peaks.values())
        figures = f"{result.run.backlog:10d}{result.seconds:10.2f}{result.rate:12.0f}"
        main, pool = (1000 * result.cpu.get(role, 0.0) / result.run.backlog for role in ROLES)
        print(f"{result.run.name:24s}{figures}{main:22.2f}{pool:7.2f}  {memory}")


def print_targets(drains: list[DrainResult], latency: LatencyResult | None, rate: float) -> None:
    """The issue's targets beside the figures."""
    print(f"\n{'target':46s}{'measured':>12s}{'goal':>12s}  result")
    for result in drains:
        label = f"drain, {result.run.name}"
        ok = result.rate >= TARGET_DRAIN_PER_SECOND
        print(f"{label:46s}{result.rate:8.0f} c/s{TARGET_DRAIN_PER_SECOND:8.0f} c/s  {verdict(ok)}")
    if latency is not None:
        p99 = percentile(latency.latencies_ms, 0.99)
        label = f"end-to-end p99 at {rate:.0f}/s (open loop)"
        print(f"{label:46s}{p99:9.1f} ms{TARGET_P99_MS:9.0f} ms  {verdict(p99 < TARGET_P99_MS)}")
    peaks = [mb for r in drains for _, mb in r.peaks.values()]
    if latency is not None:
        peaks += [mb for _, mb in latency.peaks.values()]
    if peaks:
        top = max(peaks)
        label = "largest worker process RSS (any run)"
        print(f"{label:46s}{top:9.0f} MB{TARGET_RSS_MB:9.0f} MB  {verdict(top <= TARGET_RSS_MB)}")


def print_latency(latency: LatencyResult) -> None:
    """Percentiles of the open-loop run."""
    values, lags = latency.latencies_ms, latency.lags_ms
    print(
        f"\nopen loop: {len(values)} comments; end-to-end ms p50 {percentile(values, 0.5):.1f}, "
        f"p95 {percentile(values, 0.95):.1f}, p99 {percentile(values, 0.99):.1f}, "
        f"max {max(values):.1f}; send lag ms p50 {percentile(lags, 0.5):.1f}, "
        f"p99 {percentile(lags, 0.99):.1f}, max {max(lags):.1f}"
    )
    memory = " ".join(f"{role}:{mb:.0f}" for role, mb in latency.peaks.values())
    print(f"peak RSS during the open loop (MB): {memory}")


def measure(args: argparse.Namespace, env: dict[str, str], site_id: int, scratch: Path) -> None:
    """Every drain, then the open loop on the first run's workers."""
    os.environ.update(DATABASE_URL=DATABASE_URL, REDIS_URL=env["REDIS_URL"])
    # One message per comment, the costliest form a backlog can take: intake's publisher
    # (service/moderation/intake/publisher.py) would put a window's comments in one message.
    os.environ["MODERATO_PUBLISH_WINDOW_SECONDS"] = "0"
    app = create_app()
    site = SiteRef(site_id, "bench")
    texts = [json.loads(line)["text"] for line in SEED.read_text().splitlines() if line]
    drains: list[DrainResult] = []
    latency = None
    start = 0
    for index, run in enumerate(args.runs):
        if run.intake_shaped:
            store_backlog_as_intake(site, texts, run.backlog, start)
        else:
            store_backlog(app, site, texts, run.backlog, start)
        messages = waiting_messages(env["REDIS_URL"])
        print(f"backlog {run.name}: {run.backlog} comments in {messages} messages", flush=True)
        start += run.backlog
        workers: list[ManagedProcess] = []
        try:
            drains.append(drain(app, env, run, workers, scratch))
            print(f"drain {run.name}: {drains[-1].rate:.0f} comments/s", flush=True)
            if index == 0 and args.duration > 0:
                latency = measure_latency(site, texts, args, start, workers)
                start += len(latency.latencies_ms)
                p99 = percentile(latency.latencies_ms, 0.99)
                print(f"open loop: p99 {p99:.1f} ms", flush=True)
        finally:
            stop_all(workers)
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
    print_drains(drains)
    if latency is not None:
        print_latency(latency)
    print_targets(drains, latency, args.rate)


def measure_latency(
    site: SiteRef, texts: list[str], args: argparse.Namespace, start: int,
    workers: list[ManagedProcess],
) -> LatencyResult:  # fmt: skip
    """The open-loop run on running workers, with their memory sampled."""
    with sampling(workers) as sampler:
        sent, lags = open_loop(site, texts, args, start)
        measured = latencies(sent)
    return LatencyResult(measured, lags, dict(sampler.peaks))


def main() -> None:
    """Set up, measure, print, clean up."""
    args = parse_args()
    # A plain kill ends the bench through the `finally` blocks, which stop every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    scratch = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    port = free_port()
    redis_server = start_redis(port, scratch / "redis.log")
    try:
        env, site_id = prepare(f"redis://127.0.0.1:{port}/0")
        load = os.getloadavg()
        print(
            f"backlog {args.backlog}, open loop {args.rate:.0f}/s for {args.duration:.0f} s, "
            f"drains {', '.join(run.name for run in args.runs)}; scratch folder {scratch}; "
            f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
            flush=True,
        )
        measure(args, env, site_id, scratch)
    finally:
        redis_server.stop()
        if not args.keep_logs:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
