"""CPU time of the processes behind an HTTP benchmark, read from /proc.

A run's req/s on a shared 2-core machine tells how fast, not where the time went. The CPU
each answered request cost the server under test (its process group), PostgreSQL and Redis
does: the whole machine is busy in these runs, so that sum is what bounds the rate.
"""

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Process names (`comm`) of the shared services, by the role they are reported under.
SERVICES = {"postgres": "postgres", "redis-server": "redis"}


@dataclass(frozen=True)
class CpuShare:
    """CPU milliseconds per answered request, by role."""

    server: float
    postgres: float
    redis: float

    @property
    def total(self) -> float:
        """The three together."""
        return self.server + self.postgres + self.redis


@dataclass(frozen=True)
class ProcessStat:
    """What bench scripts read of a process's /proc/<pid>/stat."""

    name: str  # comm
    group: int  # pgrp
    cpu_seconds: float  # user + system


def process_stat(pid: int | str) -> ProcessStat | None:
    """A process's name, process group and CPU time so far; None if it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # the process ended while we looked
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat.rpartition(")")[2].split()  # fields 3 on, after the name (which may hold ")")
    used = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)
    return ProcessStat(name, int(fields[2]), used)


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far; None if it has gone."""
    stat = process_stat(pid)
    return None if stat is None else stat.cpu_seconds


def total_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (those that ended are left out)."""
    return sum(seconds for pid in pids if (seconds := process_cpu_seconds(pid)) is not None)


def cpu_seconds_by_role(server_group: int) -> dict[str, float]:
    """User + system CPU seconds so far of the server's process group and of the services
    (processes that ended since are not counted, hence snapshots around a run)."""
    seconds = {"server": 0.0, "postgres": 0.0, "redis": 0.0}
    for entry in os.scandir("/proc"):
        stat = process_stat(entry.name) if entry.name.isdigit() else None
        if stat is None:
            continue
        if stat.group == server_group:
            seconds["server"] += stat.cpu_seconds
        elif stat.name in SERVICES:
            seconds[SERVICES[stat.name]] += stat.cpu_seconds
    return seconds


def share(before: dict[str, float], after: dict[str, float], requests: int) -> CpuShare:
    """What the requests answered between two snapshots cost each role, in ms a request."""
    per_request = {role: (after[role] - before[role]) * 1000 / max(requests, 1) for role in after}
    return CpuShare(per_request["server"], per_request["postgres"], per_request["redis"])
