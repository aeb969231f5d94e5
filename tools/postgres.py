"""A throw-away PostgreSQL cluster on a free local port, for the DuckLake backend's tests and
benchmarks (development only: production runs its own PostgreSQL, see docs/deployment.md).

    with Cluster.started() as pg:
        pg.create_database("lake")
        os.environ["LEKGOTLA_DB"] = "ducklake:postgres:" + pg.dsn("lake")

Debian's `postgresql` package provides the server (`.ci/run` installs it when missing). As root
the server runs as the `postgres` user, which PostgreSQL requires. Durability is switched off
(`fsync`, `synchronous_commit`, `full_page_writes`): a test cluster need not survive a power cut.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.launch import free_port

SUPERUSER = "postgres"


class PostgresMissing(RuntimeError):
    """No PostgreSQL server programs on this machine."""


def bin_dir() -> Path:
    """The directory of Debian's newest installed server programs (initdb, pg_ctl, postgres)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresMissing("PostgreSQL is not installed: `apt-get install postgresql` "
                          "(.ci/run does this when it is missing)")


def _as_server_user() -> list[str]:
    return ["runuser", "-u", SUPERUSER, "--"] if os.geteuid() == 0 else []


class Cluster:
    """A PostgreSQL cluster in `root` listening on 127.0.0.1:`port` (trust authentication)."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        self.root = Path(root)
        self.port = port or free_port()
        self.data = self.root / "data"
        self.bin = bin_dir()

    @classmethod
    @contextmanager
    def started(cls, root: Path | None = None) -> Iterator[Cluster]:
        """A new cluster in `root` (a new temporary directory when None), removed afterwards."""
        # not under pytest's tmp_path: its folders are private to this user, and the server
        # runs as `postgres` when we are root
        own = root is None
        where = Path(tempfile.mkdtemp(prefix="lekgotla-pg-")) if own else Path(root)  # type: ignore[arg-type]
        where.mkdir(parents=True, exist_ok=True)
        where.chmod(0o755)
        cluster = cls(where)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
            if own:
                shutil.rmtree(where, ignore_errors=True)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*_as_server_user(), *args], check=True, capture_output=True,
                              text=True, timeout=120)

    def start(self) -> None:
        """initdb when the cluster is new, then start the server and wait for it."""
        if os.geteuid() == 0:
            shutil.chown(self.root, SUPERUSER)
        if not (self.data / "PG_VERSION").exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                      "--auth=trust", "--encoding=UTF8", "--no-sync")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server (fast shutdown); quiet when it is not running."""
        subprocess.run([*_as_server_user(), str(self.bin / "pg_ctl"), "-D", str(self.data),
                        "-m", "fast", "-w", "stop"], capture_output=True, timeout=60)

    def dsn(self, database: str = "postgres") -> str:
        """The libpq connection string of a database of this cluster."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL with psql; its output (unaligned, tuples only)."""
        done = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                               "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER,
                               "-d", database, "-c", sql],
                              check=True, capture_output=True, text=True, timeout=120)
        return done.stdout

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a database (a copy of `template` when given); its connection string."""
        copy = f' TEMPLATE "{template}"' if template else ""
        self.psql(f'CREATE DATABASE "{name}"{copy}')
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
