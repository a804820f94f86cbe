"""wrk runs for the HTTP benchmarks: a Lua tail that counts answers by status and prints them
with the latency percentiles, and the parser of what it prints."""

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Appended to each bench's own Lua script (which defines `request` and the threads table):
# counts answers by status, and prints duration, answers, p50/p99, errors and requests sent.
# The script is filled with `%` formatting, hence the doubled percent signs.
LUA_COUNTING_TAIL = """function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH duration_us %%d\\n", summary.duration))
  io.write(string.format("BENCH responses %%d\\n", summary.requests))
  io.write(string.format("BENCH p50_us %%d\\n", latency:percentile(50)))
  io.write(string.format("BENCH p99_us %%d\\n", latency:percentile(99)))
  io.write(string.format("BENCH errors %%d %%d %%d %%d\\n", e.connect, e.read, e.write, e.timeout))
  for _, thread in ipairs(threads) do
    io.write(string.format("BENCH sent %%d\\n", thread:get("sent")))
    for status, count in pairs(thread:get("statuses")) do
      io.write(string.format("BENCH status %%d %%d\\n", status, count))
    end
  end
end
"""


@dataclass
class WrkResult:
    """What one wrk run printed through the Lua `done` hook."""

    duration_s: float
    responses: int
    p50_ms: float
    p99_ms: float
    socket_errors: int
    sent: int
    statuses: dict[int, int] = field(default_factory=dict)

    def count(self, codes: tuple[int, ...]) -> int:
        """Answers with one of these statuses."""
        return sum(n for status, n in self.statuses.items() if status in codes)

    def rate(self, codes: tuple[int, ...]) -> float:
        """Successful answers per second."""
        return self.count(codes) / self.duration_s


def run_wrk(url: str, script: Path, *, connections: int, seconds: int, threads: int) -> WrkResult:
    """Run wrk once against `url` and parse what the Lua `done` hook printed."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    printed = subprocess.run(  # noqa: S603 - a fixed command line
        [*command, "-s", str(script), url], capture_output=True, text=True, check=True
    ).stdout
    return parse_output(printed)


def parse_output(printed: str) -> WrkResult:
    """The figures of the `BENCH ...` lines."""
    values: dict[str, list[int]] = {}
    statuses: dict[int, int] = {}
    sent = 0
    for line in printed.splitlines():
        if not line.startswith("BENCH "):
            continue
        name, *numbers = line.split()[1:]
        if name == "status":
            statuses[int(numbers[0])] = statuses.get(int(numbers[0]), 0) + int(numbers[1])
        elif name == "sent":
            sent += int(numbers[0])
        else:
            values[name] = [int(n) for n in numbers]
    return WrkResult(
        duration_s=values["duration_us"][0] / 1e6,
        responses=values["responses"][0],
        p50_ms=values["p50_us"][0] / 1000,
        p99_ms=values["p99_us"][0] / 1000,
        socket_errors=sum(values["errors"]),
        sent=sent,
        statuses=statuses,
    )
