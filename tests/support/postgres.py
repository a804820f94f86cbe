"""A private, throw-away PostgreSQL server, for tests and benchmarks that stop and start it.

The shared server on 5432 must never go down; this one lives in a temporary directory on a
free port and belongs to whoever started it. Usable without pytest:

    with PrivatePostgres() as server:
        url = server.create_database("moderato")
        ...
        server.stop()        # as a crash: pg_ctl stop -m immediate
        server.stop("fast")  # as an administrator does: clients are told, then cut off
        server.start()       # same data, same port
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg

from tests.support.processes import free_port

# PostgreSQL refuses to run as root; under root the server runs as this user instead.
SERVER_USER = "postgres"


class PrivatePostgres:
    """A PostgreSQL cluster made with initdb in a temporary directory, on its own port."""

    def __init__(self, settings: dict[str, str] | None = None):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="moderato-pg-"))
        self.data_dir = self.root / "data"
        self.log_path = self.root / "server.log"
        # A crash (stop -m immediate) is recovered from the WAL either way; fsync only
        # matters if the machine itself goes down, and costs seconds per test.
        self.settings = {"fsync": "off", "listen_addresses": "127.0.0.1", **(settings or {})}
        self.running = False
        self.initdb()

    def __enter__(self) -> "PrivatePostgres":
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.destroy()

    def initdb(self) -> None:
        """Create the cluster: trust authentication for `postgres`, UTF-8."""
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self.run(
            "initdb", "-D", str(self.data_dir), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        """Start the server (again, after a stop) and wait until it accepts connections."""
        options = " ".join(f"-c {name}={value}" for name, value in self.settings.items())
        self.run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_path), "-w", "-t", "60",
            "-o", f"-p {self.port} -k {self.root} {options}", "start",
        )  # fmt: skip
        self.running = True

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; `immediate` is a crash as clients see it (connections just drop)."""
        self.run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")
        self.running = False

    def destroy(self) -> None:
        """Stop the server if it runs and delete its files."""
        if self.running:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def admin_url(self, database: str = "postgres") -> str:
        """A libpq URL (for psycopg) of a database on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def client_connections(self, database: str) -> int:
        """How many clients are connected to `database` now (an app's pooled connections)."""
        with psycopg.connect(self.admin_url(), autocommit=True) as connection:
            row = connection.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = %s AND backend_type = 'client backend'",
                (database,),
            ).fetchone()
        return int(row[0]) if row else 0

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its SQLAlchemy URL."""
        with psycopg.connect(self.admin_url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        """What the server wrote to its log so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def run(self, *command: str) -> None:
        """Run a PostgreSQL program as the server's user; fail with its output."""
        options: dict[str, Any] = {}
        if os.geteuid() == 0:
            options.update(user=SERVER_USER, group=pwd.getpwnam(SERVER_USER).pw_gid)
        program = [server_program(command[0]), *command[1:]]
        result = subprocess.run(  # noqa: S603 - our own arguments, no shell
            program, capture_output=True, text=True, check=False, cwd=self.root, **options
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{command[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                f"\n{self.log()[-2000:]}"
            )


def server_program(name: str) -> str:
    """`initdb`/`pg_ctl` from PATH, else from Debian's versioned folder (not on PATH there)."""
    found = shutil.which(name) or next(
        iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    return str(found or name)
