"""The shared store's upkeep (DuckLake: catalog in PostgreSQL, data files in `data_path`):
backups, going back to one, and maintenance.

A backup is a snapshot of the store, kept from expiry (`kept_snapshots`), plus a dump of its
PostgreSQL catalog (`pg_dump`, for a lost catalog server) and a manifest naming both. Restore
goes back to the snapshot while the dashboards run: one transaction rewrites every table as it
was then, so the store's history keeps both the restore and what it undid. The audit log is not
rewound: the restore is one more entry in it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from ingest import access, db, settings, upload_ids
from ingest.audit import audit
from ingest.errors import LekgotlaError

MANIFEST = ".lake.json"
CATALOG = ".catalog.dump"
# not rewound by a restore: the schema's own record, the backups' pins, the audit log, meta
# (its data version moves on, so every cache sees the restore), and the notifications sent and
# opted out of (a restore must neither send a message again nor write to who asked it to stop)
NOT_RESTORED = frozenset({"schema_migrations", "kept_snapshots", "audit_log", "meta",
                          "notifications", "notification_opt_outs"})
# what a downloaded backup of the store holds, and what it does not
BUNDLE_README = """\
A backup of Lekgotla's shared store (docs/backups.md, The shared store).

{manifest}: the manifest, naming the store's snapshot this backup pins.
{dump}: the store's PostgreSQL catalog (pg_dump --format=custom).

The data files (Parquet) are NOT in this zip: they stay in the store's data path,
{data_path}, and are backed up with the storage's own tools. The manifest restores
(lekgotla restore {manifest}) while the store still holds its snapshot.

After the catalog server is lost: pg_restore the dump into a new database, put back a
copy of the data path taken with this backup (after it, and before the store's next
maintenance: maintenance merges data files and deletes the old ones, which this dump
names), then lekgotla restore {manifest} before any dashboard starts. A copy of the
data path taken later does not fit this dump.
"""


@dataclass(frozen=True)
class LakeBackup:
    """A backup of the shared store: its manifest, the snapshot it names and the catalog dump."""

    path: Path
    snapshot: int
    catalog: Path
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def size(self) -> int:
        """Bytes in the backup folder (the data files stay in the store)."""
        return self.path.stat().st_size + self.catalog.stat().st_size


@dataclass(frozen=True)
class LakeRestored:
    """A restore done: the snapshot gone back to, the new snapshot holding it, what it rewrote."""

    snapshot: int
    new_snapshot: int
    tables: int
    rows: int


def _catalog_dsn(con: db.Connection) -> str:
    """The libpq connection string of the store's PostgreSQL catalog."""
    row = db.one(con, "SELECT path FROM duckdb_databases() "
                      "WHERE database_name = '__ducklake_metadata_' || current_database()")
    if row is None:
        raise LekgotlaError("This connection is not the shared store.", "Check the db setting")
    return str(row[0])


def table_names(con: db.Connection) -> list[str]:
    """The names of the tables of the connection's own database (the store's, or a file's)."""
    return [str(r[0]) for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' ORDER BY 1").fetchall()]


def _tables_at(con: db.Connection, snapshot: int) -> set[str]:
    """The store's tables as they stood at a snapshot (from its catalog)."""
    meta = quoted("__ducklake_metadata_" + str(db.scalar(con, "SELECT current_database()")))
    return {str(r[0]) for r in con.execute(
        f"SELECT table_name FROM {meta}.ducklake_table WHERE begin_snapshot <= $s "
        "AND (end_snapshot IS NULL OR end_snapshot > $s)", {"s": snapshot}).fetchall()}


def quoted(name: str) -> str:
    """A table name from DuckDB's own catalogue, quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


def write_backup(con: db.Connection, path: Path) -> LakeBackup:
    """Pin the store's latest snapshot, dump its catalog beside `path`, and write the manifest
    `path` last (a manifest names a complete backup)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise LekgotlaError("pg_dump is not installed, so the catalog cannot be dumped.",
                            "Install PostgreSQL's client programs (Debian: postgresql-client)")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise LekgotlaError(f"{path} already exists: choose a new name for the backup.",
                            "Choose another backup path")

    def pin(c: db.Connection) -> tuple[int, dict[str, int]]:
        snapshot = int(db.scalar(c, "SELECT max(snapshot_id) FROM ducklake_snapshots(current_database())"))
        counts = {t: int(db.scalar(c, f"SELECT count(*) FROM {quoted(t)}")) for t in table_names(c)}
        c.execute(db.sql("kept_snapshot_add"), {"s": snapshot, "r": f"backup {path.resolve()}"})
        return snapshot, counts
    snapshot, tables = db.write(con, pin)
    catalog = catalog_of(path)
    done = subprocess.run([pg_dump, "--format=custom", f"--file={catalog}",
                           f"--dbname={_catalog_dsn(con)}"], capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        catalog.unlink(missing_ok=True)
        raise LekgotlaError(f"pg_dump of the catalog failed: {db.redact(done.stderr.strip())}",
                            "The backup failed: check the catalog server and try again")
    os.chmod(catalog, 0o600)  # users, their emails and the audit log: the owner's alone
    path.touch(mode=0o600, exist_ok=False)
    path.write_text(json.dumps({
        "kind": "lekgotla shared store backup", "snapshot": snapshot, "tables": tables,
        "catalog_dump": catalog.name, "data_path": db.lake_data_path(con),
        "taken_at": datetime.now().isoformat(timespec="seconds"),
    }, indent=2), encoding="utf-8")
    return LakeBackup(path, snapshot, catalog, tables)


def take_backup(con: db.Connection, user: access.User, where: Path) -> LakeBackup:
    """A backup (its manifest at `where`) by a user allowed to (admin, the command line),
    audited either way."""
    access.require(con, user, "backup")
    try:
        made = write_backup(con, where)
    except (LekgotlaError, OSError) as e:
        audit(con, user, "backup", "failed", file=where.name, error=str(e))
        raise e if isinstance(e, LekgotlaError) else LekgotlaError(
            f"The backup {where} failed: {e}", "The backup failed") from e
    audit(con, user, "backup", "ok", file=made.path.name, snapshot=made.snapshot, rows=made.rows)
    return made


def catalog_size(manifest: Path) -> int:
    """Bytes of a backup's catalog dump (0 when `manifest` is not a shared store backup's)."""
    if not manifest.name.endswith(MANIFEST):
        return 0
    dump = catalog_of(manifest)
    return dump.stat().st_size if dump.exists() else 0


def catalog_of(manifest: Path) -> Path:
    """Where a backup's catalog dump is: beside its manifest."""
    return manifest.with_name(manifest.name.removesuffix(MANIFEST) + CATALOG)


def bundle(manifest: Path) -> bytes:
    """A backup's manifest and catalog dump in one zip, to keep off the server; the data files
    are not in it (they stay in the store's data path, a README in the zip says so)."""
    dump = catalog_of(manifest)
    if not dump.is_file():
        raise LekgotlaError(f"The catalog dump of {manifest.name} ({dump.name}) is missing from "
                            "the backup folder.", "Choose another backup")
    data_path = read_manifest(manifest).get("data_path")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(manifest, manifest.name)
        z.write(dump, dump.name)
        z.writestr("README.txt", BUNDLE_README.format(manifest=manifest.name, dump=dump.name,
                                                      data_path=data_path))
    return out.getvalue()


def forget(manifest: Path) -> None:
    """Delete a backup's catalog dump (its manifest is the caller's to delete)."""
    if manifest.name.endswith(MANIFEST):
        catalog_of(manifest).unlink(missing_ok=True)


def unpin_missing(con: db.Connection, folder: Path) -> int:
    """Let maintenance expire the snapshots of backups that were in `folder` and are gone; how
    many. A backup written elsewhere (`lekgotla backup PATH`) keeps its pin: that file may be on
    another machine, so its absence here says nothing."""
    here = folder.resolve()
    pinned = [str(r[0]) for r in con.execute(db.sql("kept_snapshots_backups")).fetchall()]
    gone = [r for r in pinned if _pinned_in(r.removeprefix("backup "), here)]
    if gone:
        db.write(con, lambda c: c.execute(db.sql("kept_snapshots_release"), {"g": gone}))
    return len(gone)


def _pinned_in(named: str, folder: Path) -> bool:
    """Whether a pin's manifest was in `folder` and is no longer there (a pin made before pins
    named the full path names the file alone, taken to be in the folder)."""
    path = Path(named) if Path(named).is_absolute() else folder / named
    return path.parent == folder and not path.exists()


def is_manifest(path: Path) -> bool:
    """Whether the file is a shared store backup's manifest, whatever its name (a manifest is a
    small JSON file; a DuckDB file is not JSON)."""
    try:
        if path.stat().st_size > 1_000_000:
            return False
        with path.open("rb") as f:
            if f.read(1) != b"{":
                return False
        read_manifest(path)
    except (OSError, LekgotlaError):
        return False
    return True


def read_manifest(path: Path) -> dict[str, object]:
    """A backup's manifest, or LekgotlaError saying why it is not one."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise LekgotlaError(f"{path} is not a backup of the shared store: {e}",
                            "Choose a lekgotla-….lake.json file from the backup folder") from e
    if not isinstance(manifest, dict) or not isinstance(manifest.get("snapshot"), int):
        raise LekgotlaError(f"{path} is not a backup of the shared store (no snapshot in it).",
                            "Choose a lekgotla-….lake.json file from the backup folder")
    return manifest


def restore(con: db.Connection, path: Path, user: access.User) -> LakeRestored:
    """Put every table back as it was at the backup's snapshot, in one transaction (retried
    when a writer commits meanwhile), audited; the dashboards go on running."""
    access.require(con, user, "backup", file=path.name)  # every table: the admin's, as a backup is
    snapshot = int(read_manifest(path)["snapshot"])  # type: ignore[call-overload]
    if not db.scalar(con, "SELECT count(*) FROM ducklake_snapshots(current_database()) "
                          "WHERE snapshot_id = $s", {"s": snapshot}):
        raise LekgotlaError(
            f"Snapshot {snapshot}, which {path.name} names, has been expired from the store, so "
            "the store cannot go back to it. Restore the catalog dump beside the manifest into a "
            "new PostgreSQL database, with the copy of the data folder taken with that backup "
            "(docs/backups.md). Nothing was changed.", "The snapshot is gone")

    existed = _tables_at(con, snapshot)

    def back(c: db.Connection) -> tuple[int, int]:
        rows = 0
        given = upload_ids.highest_named(c)  # the uploads it undoes keep their IDs to themselves
        # a table made by a later migration has nothing to go back to
        names = [n for n in table_names(c) if n not in NOT_RESTORED and n in existed]
        # read first: a read AT a snapshot inside the transaction would see its own deletes
        for n, name in enumerate(names):
            c.execute(f"CREATE OR REPLACE TEMP TABLE lekgotla_restore_{n} AS "
                      f"SELECT * FROM {quoted(name)} AT (VERSION => {snapshot})")
        for n, name in enumerate(names):
            c.execute(f"DELETE FROM {quoted(name)}")
            c.execute(f"INSERT INTO {quoted(name)} BY NAME SELECT * FROM lekgotla_restore_{n}")
            c.execute(f"DROP TABLE lekgotla_restore_{n}")
            rows += int(db.scalar(c, f"SELECT count(*) FROM {quoted(name)}"))
        tables = len(names)
        upload_ids.keep_after(c, given)
        db.bump_data_version(c)
        audit(c, user, "restore", "restored", snapshot=snapshot, file=path.name, rows=rows)
        return tables, rows
    tables, rows = db.write(con, back)
    return LakeRestored(snapshot, db.snapshot(con) or 0, tables, rows)


CLEANUP_AFTER_HOURS = 1  # longer than any statement of Lekgotla's reads


def maintain(con: db.Connection, now: datetime | None = None) -> dict[str, int]:
    """Merge the store's small data files, expire snapshots older than `snapshot_keep_days`
    (never one a backup names, never the latest) and delete the files no snapshot has needed for
    CLEANUP_AFTER_HOURS. Returns how many snapshots were expired and files merged away."""
    keep_days = int(settings.get("snapshot_keep_days"))
    cutoff = (now or datetime.now()) - timedelta(days=keep_days)
    before = _file_count(con)
    try:
        con.execute("CALL ducklake_merge_adjacent_files(current_database())")
    except duckdb.Error as e:
        if not db.is_conflict(e):
            raise
        return {"snapshots_expired": 0, "files_before": before, "files_after": before}  # next time
    old = [int(r[0]) for r in con.execute(db.sql("snapshots_to_expire"), {"cutoff": cutoff}).fetchall()]
    if old:
        con.execute(f"CALL ducklake_expire_snapshots(current_database(), versions => {old})")
    # a file merged away or left by an expired snapshot just now may still be scanned by another
    # process's statement (a page, a backup): it goes at a later upkeep. The catalog's clock, not
    # `now`: the files were scheduled for deletion in real time.
    con.execute("CALL ducklake_cleanup_old_files(current_database(), "
                f"older_than => now() - INTERVAL {CLEANUP_AFTER_HOURS} HOUR)")
    db.write(con, lambda c: c.execute(db.sql("maintained_at_update"),
                                      {"at": int((now or datetime.now()).timestamp())}))
    return {"snapshots_expired": len(old), "files_before": before, "files_after": _file_count(con)}


def _file_count(con: db.Connection) -> int:
    return int(db.scalar(con, "SELECT count(*) FROM ducklake_list_files(current_database(), 'action_status')")
               or 0)


def maintain_if_due(con: db.Connection, now: datetime | None = None) -> dict[str, int] | None:
    """`maintain` when the last one (by any process) is `lake_maintenance_hours` old, by one of
    the dashboards that find it due at once."""
    every = int(settings.get("lake_maintenance_hours"))
    if every <= 0 or not db.is_lake(con):
        return None
    if not db.claim(con, "maintained_at", every * 3600, (now or datetime.now()).timestamp()):
        return None  # done lately, or being done now by another dashboard
    return maintain(con, now)
