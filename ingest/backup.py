"""Backups of the database, taken while it is in use, and putting one back (SPEC §6).

DuckDB lets one process at a time open the file (an exclusive lock; not even a read-only
reader gets in beside the dashboard), and the dashboard's connection may not touch other
files. So a backup is made by the process that holds the database: it reads every table
in one transaction (one consistent state, while uploads keep committing) and streams the rows
into a new database file, given the same migrations. The dashboard does this on Settings and
on a schedule; the command line does it when the dashboard is stopped.

A backup is written under a hidden temporary name, checked to hold every row it was given,
and only then given its name: a half-written file is never mistaken for a backup, and no
existing file is ever overwritten. A restore copies the backup beside the database, checks
and migrates it there, and swaps it in with one rename while holding the database's lock; the
file it replaces is kept under a new name. Until that rename the database is untouched.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ingest import access, db, lake, settings, upload_ids
from ingest.audit import audit
from ingest.db import in_use_message
from ingest.errors import LekgotlaError
from ingest.words import plural

BATCH_ROWS = 100_000  # rows per Arrow batch streamed into the backup: bounds the memory it takes
# only these are ever pruned: a file's backups, and the shared store's manifests
SCHEDULED = re.compile(r"^lekgotla-\d{8}T\d{6}(-\d+)?(\.duckdb|\.lake\.json)$")


@dataclass(frozen=True)
class Backup:
    """A backup written: its file, the rows of each table in it, and its size in bytes."""

    path: Path
    tables: dict[str, int]
    size: int

    @property
    def rows(self) -> int:
        """Rows in all tables together."""
        return sum(self.tables.values())


@dataclass(frozen=True)
class Restored:
    """A restore done: the database file, and where the file it replaced is kept (if any)."""

    path: Path
    kept: Path | None


class DatabaseInUse(LekgotlaError):
    """Another process holds the database: nothing was read or changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "Stop the dashboard first")


def _in_use(e: LekgotlaError | duckdb.Error) -> bool:
    cause = e.__cause__ if isinstance(e, LekgotlaError) else e
    return isinstance(cause, duckdb.IOException) and "lock" in str(cause).lower()


# --- writing a backup ----------------------------------------------------------------------

def write_backup(con: db.Connection, path: str | Path) -> Backup:
    """Write a complete, consistent copy of the open database to a new file at `path`.

    Works on any connection, the dashboard's locked-down one included, while others write.
    """
    target = Path(path).absolute()  # from the current folder: db.connect takes a relative one from the project's
    if target.exists():
        raise LekgotlaError(f"{target} already exists: choose a new file name for the backup.",
                            "Choose another backup path")
    partial = target.with_name(f".{target.name}.partial")
    try:  # a folder it cannot make or write in: said of the backup asked for
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove(partial)
        partial.open("xb").close()
        partial.unlink()
    except OSError as e:
        blocker = next((p for p in (target.parent, *target.parent.parents) if p.is_file()), None)
        why = (f"{blocker} is a file, not a folder" if blocker is not None
               else str(e.strerror).lower())
        raise LekgotlaError(f"A backup cannot be written to {target}: {why}.",
                            "Choose another backup folder") from e
    reader = con.cursor()  # its own transaction, whatever the caller's connection is doing
    try:
        tables = _copy(reader, partial)
        _check(partial, tables)
        os.chmod(partial, 0o600)  # users, their emails and the audit log: the owner's alone
        _publish(partial, target)
    finally:
        reader.close()
        _remove(partial)
    return Backup(target, tables, target.stat().st_size)


def backup(con: db.Connection, path: str | Path) -> Path:
    """Write a consistent copy of the open database to a new file at `path`; return its path."""
    return write_backup(con, path).path


def _copy(source: db.Connection, partial: Path) -> dict[str, int]:
    """Copy every table of `source`, as one transaction sees them, into a new file."""
    source.execute("BEGIN TRANSACTION")  # one snapshot of every table, whatever commits meanwhile
    try:
        versions = {int(r[0]) for r in source.execute(db.sql("migrations_applied")).fetchall()}
        unknown = versions - {v for v, _, _ in db.migrations()}
        if unknown:
            raise LekgotlaError(
                f"The database has migrations this version of Lekgotla does not know "
                f"({', '.join(map(str, sorted(unknown)))}).", "Upgrade Lekgotla to back it up")
        names = [str(r[0]) for r in source.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND NOT temporary AND NOT internal ORDER BY 1").fetchall()]
        out = db.connect(partial, versions=versions)  # the same schema, no newer
        tables: dict[str, int] = {}
        try:
            have = {str(r[0]) for r in out.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
            out.execute("BEGIN TRANSACTION")
            for name in names:
                quoted = lake.quoted(name)
                expected = int(db.scalar(source, f"SELECT count(*) FROM {quoted}"))
                if name in have:
                    out.execute(f"DELETE FROM {quoted}")  # rows a migration seeded
                    copied = _rows_into(source, out, name, f"INSERT INTO {quoted} BY NAME "
                                                            "SELECT * FROM lekgotla_rows")
                else:  # a table no migration makes: copied as it is
                    copied = _rows_into(source, out, name,
                                        f"CREATE TABLE {quoted} AS SELECT * FROM lekgotla_rows")
                if copied != expected:
                    raise LekgotlaError(f"The backup of table {name} holds {copied} rows, not "
                                        f"{expected}.", "The backup failed: try again")
                tables[name] = copied
            out.execute("COMMIT")
            out.execute("CHECKPOINT")
        finally:
            out.close()
    finally:
        source.execute("ROLLBACK")  # it only read
    return tables


def _rows_into(source: db.Connection, out: db.Connection, name: str, statement: str,
               params: dict[str, object] | None = None) -> int:
    """Table `name` of `source` streamed into `out` in Arrow batches (bounded memory), read there
    as `lekgotla_rows` by `statement`; returns the rows `out`'s table then holds."""
    table = lake.quoted(name)
    out.register("lekgotla_rows", db.arrow_reader(source.sql(f"SELECT * FROM {table}"), BATCH_ROWS))
    try:
        out.execute(statement, params)
    finally:
        out.unregister("lekgotla_rows")
    return int(db.scalar(out, f"SELECT count(*) FROM {table}"))


def _check(path: Path, tables: dict[str, int]) -> None:
    """Open the written file afresh and count every table again."""
    con = db.connect(path, read_only=True)
    try:
        for name, expected in tables.items():
            quoted = '"' + name.replace('"', '""') + '"'
            found = int(db.scalar(con, f"SELECT count(*) FROM {quoted}"))
            if found != expected:
                raise LekgotlaError(f"The backup file {path} holds {found} rows of {name}, "
                                    f"not {expected}.", "The backup failed: try again")
    finally:
        con.close()
    if Path(f"{path}.wal").exists():
        raise LekgotlaError(f"The backup file {path} was not closed cleanly.",
                            "The backup failed: try again")


def _publish(partial: Path, target: Path) -> None:
    """Give the checked file its name, never replacing a file that exists."""
    try:
        os.link(partial, target)  # fails if the name exists, atomically
    except FileExistsError as e:
        raise LekgotlaError(f"{target} already exists: choose a new file name for the backup.",
                            "Choose another backup path") from e
    except OSError:  # a file system without hard links
        if target.exists():
            raise LekgotlaError(f"{target} already exists: choose a new file name for the "
                                "backup.", "Choose another backup path") from None
        os.rename(partial, target)


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        with suppress(FileNotFoundError):
            p.unlink()


# --- backups in the backup folder: on Settings, on schedule --------------------------------

def new_name(folder: Path, now: datetime, kind: str = "", suffix: str = ".duckdb") -> Path:
    """A name in `folder` not used yet: lekgotla-YYYYMMDDTHHMMSS[-kind][-n].duckdb (a shared
    store backup's manifest: `suffix` lake.MANIFEST)."""
    stem = f"lekgotla-{now:%Y%m%dT%H%M%S}" + (f"-{kind}" if kind else "")
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def backup_folder(con: db.Connection) -> Path:
    """Where `con`'s backups go (settings.backup_dir): on the shared store, beside the data folder
    its catalog records, so a command run without the dashboards' data_path finds their backups."""
    if db.is_lake(con):
        return settings.backup_dir(lake_data=db.lake_data_path(con))
    return settings.backup_dir()


def take_backup(con: db.Connection, user: access.User, folder: Path | None = None,
                kind: str = "manual", now: datetime | None = None) -> Backup | lake.LakeBackup:
    """A backup into the backup folder, by a user allowed to (admin), audited either way.

    `kind` "manual" names the file `...-manual.duckdb` (never pruned); "" a scheduled one.
    """
    where = folder or backup_folder(con)
    if db.is_lake(con):  # the shared store: a pinned snapshot and its catalog's dump
        return lake.take_backup(con, user, new_name(where, now or datetime.now(), kind,
                                                    lake.MANIFEST))
    access.require(con, user, "backup")
    try:
        made = write_backup(con, new_name(where, now or datetime.now(), kind))
    except (LekgotlaError, duckdb.Error, OSError) as e:
        audit(con, user, "backup", "failed", folder=str(where), error=str(e))
        raise e if isinstance(e, LekgotlaError) else LekgotlaError(
            f"The backup into {where} failed: {e}", "The backup failed") from e
    audit(con, user, "backup", "ok", file=made.path.name, folder=str(where),
                 rows=made.rows, bytes=made.size)
    return made


def backup_files(folder: Path) -> list[Path]:
    """The backups in the folder, newest first (hidden, half-written files left out)."""
    if not folder.is_dir():
        return []
    found = [p for pattern in ("lekgotla-*.duckdb", f"lekgotla-*{lake.MANIFEST}")
             for p in folder.glob(pattern) if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def backup_size(path: Path) -> int:
    """Bytes a backup in the folder takes (a shared store backup: its manifest and catalog dump)."""
    return path.stat().st_size + lake.catalog_size(path)


def size_text(size: int) -> str:
    """A backup's size in words: "2.1 kB", "310.5 MB" (a shared store's manifest is a few kB)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size:,} bytes"


def download_name(path: Path) -> str:
    """The name a backup is downloaded under: a file's own, a shared store backup's as a zip."""
    if path.name.endswith(lake.MANIFEST):
        return path.name.removesuffix(lake.MANIFEST) + ".zip"
    return path.name


def download(con: db.Connection, user: access.User, path: Path) -> bytes:
    """The bytes of one backup in the backup folder, for an admin, audited: a DuckDB file whole;
    a shared store backup as a zip of its manifest and catalog dump (its data files stay in the
    store's data path)."""
    access.require(con, user, "backup", file=path.name)
    if path.resolve() not in {p.resolve() for p in backup_files(path.parent)}:
        raise LekgotlaError(f"{path.name} is not a backup in the backup folder.",
                            "Choose a backup")
    data = lake.bundle(path) if path.name.endswith(lake.MANIFEST) else path.read_bytes()
    audit(con, user, "backup", "downloaded", file=path.name, bytes=len(data))
    return data


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete scheduled backups beyond the newest `keep`; return those deleted."""
    scheduled = [p for p in backup_files(folder) if SCHEDULED.match(p.name)]
    gone = scheduled[max(keep, 1):]
    for p in gone:
        lake.forget(p)  # a shared store backup's catalog dump goes with its manifest
        p.unlink()
    return gone


def scheduled_backup(con: db.Connection, folder: Path, every_hours: int, keep: int,
                     now: datetime | None = None) -> Backup | lake.LakeBackup | None:
    """Take the scheduled backup if it is due (the newest is `every_hours` old), then prune."""
    now = now or datetime.now()
    if every_hours <= 0:
        return None
    newest = next((p for p in backup_files(folder) if SCHEDULED.match(p.name)), None)
    if newest is not None:
        age_h = (now.timestamp() - newest.stat().st_mtime) / 3600
        if age_h < every_hours:
            return None
    if not db.claim(con, "scheduled_backup_at", every_hours * 3600, now.timestamp()):
        return None  # another dashboard on the shared store took it (or is taking it) now
    made = take_backup(con, access.SYSTEM, folder, kind="", now=now)
    if prune(folder, keep) and db.is_lake(con):
        lake.unpin_missing(con, folder)
    return made


class Schedule:
    """The dashboard's own backups: a thread that takes `scheduled_backup` when due.

    The first look is `first_check_s` after the start (a restart does not cost a backup), then
    every hour at most, so a changed folder or a missed one is caught up soon.
    """

    def __init__(self, con: db.Connection, first_check_s: float = 600.0,
                 check_every_s: float = 3600.0) -> None:
        self.con = con
        self.first_check_s = first_check_s
        self.check_every_s = check_every_s
        self.stop = threading.Event()
        self.last: Backup | lake.LakeBackup | None = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="lekgotla-backups", daemon=True)

    def start(self) -> Schedule:
        """Start the thread (once); returns self."""
        self.thread.start()
        return self

    def _run(self) -> None:
        wait = self.first_check_s
        while not self.stop.wait(wait):
            wait = self.check_every_s
            try:
                every = int(settings.get("backup_every_hours"))
                made = scheduled_backup(self.con.cursor(), backup_folder(self.con), every,
                                        int(settings.get("backup_keep")))
                lake.maintain_if_due(self.con.cursor())  # the shared store's upkeep, when due
            except (LekgotlaError, duckdb.Error, OSError) as e:  # logged; tried again later
                self.error = str(e.message if isinstance(e, LekgotlaError) else e)
                print(f"lekgotla: scheduled backup failed: {self.error}", file=sys.stderr)
                continue
            if made is not None:
                self.last, self.error = made, None
            if every > 0:  # look again when the next one falls due, or within the hour
                wait = min(self.check_every_s, every * 3600.0)


# --- the command line: a backup of a database no one else holds ---------------------------

def open_for_backup(path: Path) -> db.Connection:
    """The database opened read-only for a backup, or DatabaseInUse saying what to do."""
    if not path.exists():
        raise LekgotlaError(f"There is no database at {path}.", "Check --db or LEKGOTLA_DB")
    try:
        return db.connect(path, read_only=True)
    except LekgotlaError as e:
        if not _in_use(e):
            raise
        raise DatabaseInUse(
            f"{in_use_message(path, e.__cause__)} While it runs, take the backup on the "
            f"dashboard (Settings → Backups, as an admin){_schedule_words(path)}; or stop the "
            "dashboard and run this again.") from e


def _schedule_words(database: Path) -> str:
    every = int(settings.get("backup_every_hours"))
    if every <= 0:
        return ""
    return f" or use the backups it takes by itself every {every} hours in {settings.backup_dir(database)}"


# --- restore -------------------------------------------------------------------------------

def restore(path: str | Path, target: str | Path, who: access.User = access.CLI,
            now: datetime | None = None) -> Restored:
    """Replace the database at `target` with the backup at `path` (the app must be stopped).

    Refused, touching nothing, when `path` is the database itself or another process holds
    the database. The backup is checked to open as a Lekgotla database and migrated beside
    the database, then swapped in with one rename; the replaced file is kept as
    `<name>.before-restore-<time>`, a name never used before.
    """
    source = Path(path)
    dest = Path(target)
    live = dest.resolve() if dest.exists() else dest  # a symlink's target is the database
    if not source.is_file():
        raise LekgotlaError(f"There is no backup file at {source}.", "Choose a backup file")
    if live.exists() and os.path.samefile(source, live):
        raise LekgotlaError(f"{source} is the database itself ({live}): a restore needs another "
                            "file, a backup. Nothing was changed.", "Choose a backup file")
    live.parent.mkdir(parents=True, exist_ok=True)
    if live.exists():
        _checkpoint(live)  # its write-ahead log into the file, so one file is the whole database
    fresh = live.with_name(f".{live.name}.restoring-{os.getpid()}")
    _remove(fresh)
    try:
        _prepare(source, fresh, who, _ids_given(live))
        held, restored = _uploads(live), _uploads(fresh)
        if held and not restored:  # an empty database put over reports: surely the wrong file
            raise LekgotlaError(
                f"{source} holds no reports, and the database holds {plural(held, 'upload')}: "
                "restoring it would empty the dashboard. Nothing was changed. Choose a backup "
                "taken after the reports were loaded.", "Choose another backup")
        with _holding(live) as fd:
            kept = _swap(fresh, live, now or datetime.now(), fd)
    finally:
        _remove(fresh)
    return Restored(live, kept)


# not taken from a file moved into the shared store: the schema's own record (the store's is
# already this version's) and the store's bookkeeping (its backups' pins; meta's counters, which
# only go up, so every cache sees the move)
NOT_MOVED = frozenset({"schema_migrations", "kept_snapshots", "meta"})


@dataclass(frozen=True)
class MovedIn:
    """A DuckDB file moved into the shared store: the rows of each table, and the new snapshot."""

    tables: dict[str, int]
    snapshot: int

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def restore_into_store(con: db.Connection, path: str | Path,
                       who: access.User = access.CLI) -> MovedIn:
    """Put a Lekgotla DuckDB file (a backup, or the database of a stopped dashboard) into the
    shared store `con`, which must hold no report yet: every table in one transaction, the file's
    audit log after the store's own entries, audited once. The way from one dashboard on a file to
    several over the store (README, Running for many users)."""
    source = Path(path)
    access.require(con, who, "backup", file=source.name)  # every table: the admin's, as a backup is
    if not db.is_lake(con):
        raise LekgotlaError("Only the shared store takes a DuckDB file this way; a DuckDB file "
                            "is restored with python -m ingest restore.", "Choose the shared store")
    # what the file is, before what the store holds: a typo was told the store is not empty
    if not source.is_file():
        raise LekgotlaError(f"There is no file at {source}. Give a backup of this store (a "
                            f"*{lake.MANIFEST} manifest, its catalog dump beside it) or, for an "
                            "empty store, a Lekgotla DuckDB file. Nothing was changed.",
                            "Choose a backup file")
    with source.open("rb") as f:
        if f.read(12)[8:] != b"DUCK":  # a DuckDB file's magic bytes
            raise LekgotlaError(f"{source} is neither a backup of the shared store (a "
                                f"*{lake.MANIFEST} manifest) nor a DuckDB file. Nothing was "
                                "changed.", "Choose a backup file")
    held = int(db.scalar(con, db.sql("uploads_count")))
    if held:
        raise LekgotlaError(
            f"The shared store already holds {plural(held, 'upload')}: a DuckDB file goes only "
            "into an empty store, so that no report is lost or doubled. Nothing was changed. Move "
            "the file into a new store; to take this store back to an earlier state, restore "
            f"one of its own backups (*{lake.MANIFEST}).", "Choose an empty store")
    with tempfile.TemporaryDirectory(prefix="lekgotla-move-") as folder:
        fresh = Path(folder) / "moving.duckdb"
        prepare_copy(source, fresh)
        reader = db.connect(fresh, read_only=True)
        try:
            names = [n for n in lake.table_names(reader) if n not in NOT_MOVED]
            expected = {n: int(db.scalar(reader, f"SELECT count(*) FROM {lake.quoted(n)}"))
                        for n in names}

            def move(c: db.Connection) -> dict[str, int]:
                missing = set(names) - set(lake.table_names(c))
                if missing:  # both are at this version's schema: only a damaged store lacks one
                    raise LekgotlaError(f"The shared store has no table {sorted(missing)[0]}. "
                                        "Nothing was changed.", "Check the shared store")
                shift = int(db.scalar(c, db.sql("audit_log_last_id")))
                moved: dict[str, int] = {}
                for name in names:
                    table = lake.quoted(name)
                    if name == "audit_log":  # the store's own entries stay, numbered first
                        before = int(db.scalar(c, db.sql("audit_log_count")))
                        moved[name] = _rows_into(reader, c, name, db.sql("audit_log_moved_in"),
                                                 {"shift": shift}) - before
                    else:  # rows a migration seeded (the settings, the roles) make way
                        c.execute(f"DELETE FROM {table}")
                        moved[name] = _rows_into(reader, c, name, f"INSERT INTO {table} BY NAME "
                                                                  "SELECT * FROM lekgotla_rows")
                    if moved[name] != expected[name]:
                        raise LekgotlaError(
                            f"Table {name} took {moved[name]} rows of the file's {expected[name]}. "
                            "Nothing was changed: try again.", "The move failed")
                db.bump_data_version(c)
                audit(c, who, "restore", "moved in", file=source.name, source=str(source),
                      rows=sum(moved.values()))
                return moved
            tables = db.write(con, move)
        finally:
            reader.close()
    return MovedIn(tables, db.snapshot(con) or 0)


def _uploads(path: Path) -> int:
    """The uploads a Lekgotla database file holds (0 when there is none, or it cannot be read:
    a damaged database is kept as it is, beside the restored one)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return 0
    try:
        return int(db.scalar(con, db.sql("uploads_count")))
    except duckdb.Error:
        return 0
    finally:
        con.close()


def _ids_given(path: Path) -> int:
    """The highest upload ID a Lekgotla database file has named (0 when there is none, or it
    cannot be read)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return 0
    try:
        return upload_ids.highest_named(con)
    except duckdb.Error:  # a schema before notifications: its uploads are all it named
        try:
            return int(db.scalar(con, db.sql("uploads_last_id")) or 0)
        except duckdb.Error:
            return 0
    finally:
        con.close()


def _open_here(live: Path) -> bool:
    """Whether this process has the file open (DuckDB's lock keeps out only other processes)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():  # not Linux: nothing to look at
        return False
    for fd in fds.iterdir():
        with suppress(OSError):
            if os.path.samefile(os.readlink(fd), live):
                return True
    return False


def _checkpoint(live: Path) -> None:
    """Fold the live database's WAL into its file, or DatabaseInUse (nothing changed)."""
    stop = ("Stop the dashboard (and any other program using the database), then run the "
            "restore again. Nothing was changed.")
    if _open_here(live):
        raise DatabaseInUse(f"The database {live} is open in this program itself. {stop}")
    try:
        con = db.connect(live, versions=())  # as it is: a restore does not migrate what it replaces
    except LekgotlaError as e:
        if _in_use(e):
            raise DatabaseInUse(f"{in_use_message(live, e.__cause__)} {stop}") from e
        return  # a damaged database is kept as it is, its WAL with it
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _prepare(source: Path, fresh: Path, who: access.User, given: int = 0) -> None:
    """Copy the backup to `fresh`, check it is a Lekgotla database, migrate it and log the restore;
    its next uploads take IDs above `given` (the highest the replaced database named)."""
    prepare_copy(source, fresh)
    con = db.connect(fresh)
    try:
        db.write(con, lambda c: upload_ids.keep_after(c, given))
        audit(con, who, "database", "restored", file=source.name, source=str(source))
        con.execute("CHECKPOINT")
    finally:
        con.close()


def prepare_copy(source: Path, fresh: Path) -> None:
    """Copy the Lekgotla database file `source` to `fresh` and migrate the copy to this version's
    schema; refused, with what to do, when it is not a Lekgotla database or cannot be opened."""
    if not source.is_file():
        raise LekgotlaError(f"There is no backup file at {source}.", "Choose a backup file")
    try:  # read-only: refused while a dashboard writes to it, and keeps one out during the copy
        guard = duckdb.connect(str(source), read_only=True)
    except duckdb.Error as e:
        if _in_use(e):
            raise DatabaseInUse(f"{in_use_message(source, e)} Stop it, or use a backup of it "
                                "(Settings → Backups). Nothing was changed.") from e
        if db.newer_format(e):
            raise LekgotlaError(f"{source} was written by a newer DuckDB than this install's "
                                f"({duckdb.__version__}). Nothing was changed. "
                                f"{db.NEWER_FORMAT_HINT}", "Open it with DuckDB 2.x") from e
        if lake.is_manifest(source):  # a store's backup, with the database a file
            raise LekgotlaError(
                f"{source} is a backup of the shared store, and the database this command was "
                "given is a DuckDB file (setting db). Nothing was changed. Give the store: "
                "--db ducklake:postgres:…, or the settings deploy/start wrote (set -a; . "
                "STATE/lekgotla.env; set +a), then run this again.",
                "Restore it into the shared store") from e
        # DuckDB's own words for a CSV or a workbook mislead ('in-memory database', ...)
        raise LekgotlaError(f"{source} is not a Lekgotla backup: it is not a DuckDB database file. "
                            "Nothing was changed. Choose a .duckdb file written by lekgotla backup "
                            "or on Settings → Backups.", "Choose a backup file") from e
    try:
        found = {str(r[0]) for r in guard.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
        if not {"schema_migrations", "uploads", "audit_log"} <= found:
            raise LekgotlaError(f"{source} is a DuckDB file but not a Lekgotla backup (it has no "
                                "uploads or audit log). Nothing was changed.", "Choose a backup file")
        shutil.copyfile(source, fresh)
        if Path(f"{source}.wal").exists():  # a copy kept by a restore may carry its last commits
            shutil.copyfile(f"{source}.wal", f"{fresh}.wal")
    finally:
        guard.close()
    db.connect(fresh).close()  # applies any newer migrations


@contextmanager
def _holding(live: Path) -> Iterator[int | None]:
    """Hold the lock DuckDB takes on the database file, so nothing opens it during the swap.

    Yields the locked descriptor: the file is read through it, since closing any other
    descriptor of the file in this process would drop the lock (POSIX).
    """
    if not live.exists():
        yield None
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: the check made by _checkpoint is all there is
        yield None
        return
    fd = os.open(live, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the same lock DuckDB takes (fcntl)
        except OSError as e:
            raise DatabaseInUse(f"{in_use_message(live, None)} Stop the dashboard, then run the "
                                "restore again. Nothing was changed.") from e
        yield fd
    finally:
        os.close(fd)


def keep_name(live: Path, now: datetime) -> Path:
    """`<name>.before-restore-YYYYMMDDTHHMMSS[-n]`, a name no file has."""
    stem = f"{live.name}.before-restore-{now:%Y%m%dT%H%M%S}"
    path, n = live.with_name(stem), 1
    while path.exists() or Path(f"{path}.wal").exists():
        n += 1
        path = live.with_name(f"{stem}-{n}")
    return path


def _swap(fresh: Path, live: Path, now: datetime, fd: int | None) -> Path | None:
    """Keep the live file under a new name (a hard link), then rename `fresh` over it."""
    if not live.exists():
        os.rename(fresh, live)
        return None
    kept = keep_name(live, now)
    _link_or_copy(live, kept, fd)
    wal = Path(f"{live}.wal")
    if wal.exists():  # only a database DuckDB could not open still has one
        _link_or_copy(wal, Path(f"{kept}.wal"))
        wal.unlink()
    os.replace(fresh, live)  # atomic: the path holds the old database or the new, never none
    return kept


def _link_or_copy(src: Path, dst: Path, fd: int | None = None) -> None:
    """`dst` as a second name of `src`, or a copy of it (read through `fd` when given); never
    over an existing file."""
    try:
        os.link(src, dst)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        with open(dst, "xb") as g:
            if fd is None:
                with open(src, "rb") as f:
                    shutil.copyfileobj(f, g)
                return
            offset = 0
            while chunk := os.pread(fd, 1 << 20, offset):
                g.write(chunk)
                offset += len(chunk)
