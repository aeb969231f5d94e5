"""Consistent backups of the database while it is in use, and putting one back (SPEC §6).

Copying the `.duckdb` file alone is not a backup: the latest commits may still be in its
write-ahead log. A backup attaches a new database file and copies every table into it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ingest import db
from ingest.errors import LekgotlaError


def backup(con: db.Connection, path: str | Path) -> Path:
    """Write a complete, consistent copy of the open database to a new file at `path`."""
    target = Path(path)
    if target.exists():
        raise LekgotlaError(f"{target} already exists: choose a new file name for the backup.",
                            "Choose another backup path")
    target.parent.mkdir(parents=True, exist_ok=True)
    row = con.execute("SELECT current_database()").fetchall()[0]
    source = str(row[0]) if row else "memory"
    con.execute("ATTACH $p AS lekgotla_backup", {"p": str(target)})
    try:
        con.execute(f'COPY FROM DATABASE "{source}" TO lekgotla_backup')  # names from DuckDB itself
    finally:
        con.execute("DETACH lekgotla_backup")
    return target


def restore(path: str | Path, target: str | Path) -> Path:
    """Replace the database at `target` with the backup at `path` (the app must be stopped).

    The backup is checked to open as a Lekgotla database first; the replaced file is kept
    beside it as `<name>.before-restore`.
    """
    source = Path(path)
    dest = Path(target)
    try:
        con = duckdb.connect(str(source), read_only=True)
        con.execute("SELECT count(*) FROM uploads").fetchall()[0]
        con.close()
    except duckdb.Error as e:
        raise LekgotlaError(f"{source} is not a Lekgotla backup: {e}", "Choose a backup file") from e
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        shutil.move(str(dest), str(dest) + ".before-restore")
        wal = Path(str(dest) + ".wal")
        if wal.exists():
            shutil.move(str(wal), str(dest) + ".before-restore.wal")
    shutil.copyfile(source, dest)
    con2 = db.connect(dest)  # applies any newer migrations
    con2.close()
    return dest
