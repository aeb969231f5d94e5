"""The one module that opens the database, applies migrations and runs transactions."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from ingest import settings
from ingest.errors import LekgotlaError

Connection = duckdb.DuckDBPyConnection
_MIGRATION = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_INCLUDE = re.compile(r"\{\{([a-z_]+):([a-z0-9_]+)\}\}")
SQL_PACKAGES: Mapping[str, str] = {"ingest": "ingest.sql"}


def sql_file(package: str, name: str) -> str:
    """The text of `<package>/<name>.sql`, as written."""
    return resources.files(package).joinpath(f"{name}.sql").read_text(encoding="utf-8")


def compose(text: str, packages: Mapping[str, str] = SQL_PACKAGES,
            within: tuple[str, ...] = ()) -> str:
    """`text` with each `{{layer:name}}` outside a comment replaced by that layer's `name.sql`
    (composed in turn).

    A fragment is pasted as text, not stored as a macro, so one definition serves every query
    without living in the database's catalog. `packages`: the layers a text may include (ingest
    SQL may include only ingest's); `within`: the fragments being composed (none may include
    itself)."""
    def fragment(found: re.Match[str]) -> str:
        layer, name = found.groups()
        if layer not in packages:
            raise KeyError(f"{layer}:{name}: this SQL may include only {sorted(packages)}")
        if f"{layer}:{name}" in within:
            raise ValueError(f"{layer}:{name} includes itself (through {' > '.join(within)})")
        body = compose(sql_file(packages[layer], name), packages, (*within, f"{layer}:{name}"))
        return "\n" + body.rstrip() + "\n"
    lines = []
    for line in text.splitlines(keepends=True):
        code, dashes, comment = line.partition("--")
        lines.append(_INCLUDE.sub(fragment, code) + dashes + comment)
    return "".join(lines)


@cache
def sql(name: str) -> str:
    """`ingest/sql/<name>.sql` with its fragments included."""
    return compose(sql_file(SQL_PACKAGES["ingest"], name))


def migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration, in order."""
    found = []
    for entry in resources.files("ingest.migrations").iterdir():
        m = _MIGRATION.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(con: Connection, versions: Collection[int] | None = None) -> int:
    """Apply the migrations not yet applied, each in its own transaction; return how many ran.
    At the latest schema, `report_summary` is rebuilt if its definition changed
    (`follow_definitions`).

    `versions`: only these (a backup is given its source's schema, no newer); empty: none at all.
    """
    if versions is not None and not versions:
        return 0
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    applied = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    known = migrations()
    todo = [m for m in known
            if m[0] not in applied and (versions is None or m[0] in versions)]
    for version, name, text in todo:
        with transaction(con):
            con.execute(text)
            con.execute(
                "INSERT INTO schema_migrations VALUES ($v, $n, now())", {"v": version, "n": name}
            )
    if {m[0] for m in known} <= applied | {m[0] for m in todo}:
        follow_definitions(con)
    return len(todo)


def follow_definitions(con: Connection) -> bool:
    """Rebuild `report_summary` when the definition it was computed by (ingest/sql, its
    fragments included) is not today's: a formula changed in one file needs no migration.
    Returns whether it rebuilt."""
    definition = hashlib.sha256(sql("refresh_summary_insert").encode()).hexdigest()
    kept = con.execute(sql("derived_definition"), {"name": "report_summary"}).fetchone()
    if kept is not None and kept[0] == definition:
        return False
    with transaction(con):
        refresh_summary(con)
        con.execute(sql("derived_definition_save"), {"name": "report_summary", "sha256": definition})
    return True


def refresh_summary(con: Connection, departments: Sequence[str] = (),
                    periods: Sequence[str] = ()) -> None:
    """Rebuild the `report_summary` rows of these departments and periods (every one when
    empty) from their reports in force, under the RAG thresholds in force; inside the caller's
    transaction."""
    scope = {"departments": list(departments), "periods": list(periods)}
    con.execute(sql("refresh_summary_delete"), scope)
    con.execute(sql("refresh_summary_insert"), {
        **scope,
        "red_slip_days": int(setting(con, "red_slip_days")),
        "red_schedule_variance": float(setting(con, "red_schedule_variance")),
        "amber_schedule_variance": float(setting(con, "amber_schedule_variance")),
    })


def connect(path: str | Path | None = None, read_only: bool = False,
            versions: Collection[int] | None = None) -> Connection:
    """Open the database (`:memory:` for tests), migrated to the latest schema (or `versions`)."""
    target = str(path) if path is not None else str(settings.db_path())
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as e:
        raise LekgotlaError(
            f"The database {target} cannot be opened: {e}",
            "Close the other program using the database (only one process can write to it)",
        ) from e
    if not read_only:
        migrate(con, versions)
    return con


# One writer at a time in this process: every session's cursor shares one database, and every
# write bumps the same data_version row, so concurrent write transactions would only conflict.
# Readers never take it. (Other processes are kept out by DuckDB's own file lock.)
_WRITE_LOCK = threading.RLock()


@contextmanager
def write_lock() -> Iterator[None]:
    """Hold the process's write lock (re-entrant) for a write made outside `transaction`."""
    with _WRITE_LOCK:
        yield


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """BEGIN ... COMMIT under the write lock, rolled back on any exception so nothing is half-written."""
    with _WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


# A connection that may read and write its own database and nothing else: no files, no network,
# no extensions fetched or loaded on demand, and no way for a query to undo this. (Backups,
# which attach another file, are the command line's.)
LOCK_DOWN: tuple[str, ...] = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET lock_configuration = true",
)


def lock_down(con: Connection) -> None:
    """Apply LOCK_DOWN to the database instance (once: an instance already locked is left as it is)."""
    if scalar(con, "SELECT current_setting('lock_configuration')"):
        if scalar(con, "SELECT current_setting('enable_external_access')"):
            raise LekgotlaError("The database was opened elsewhere in this process with external "
                                "access allowed and its configuration locked.",
                                "The database connection is not locked down")
        return
    for statement in LOCK_DOWN:
        con.execute(statement)


def arrow_table(result: Any) -> Any:
    """A statement's (or relation's) rows as a pyarrow Table, on DuckDB 2.x and the 1.4 LTS line
    (1.4's DB-API result names it `fetch_arrow_table`)."""
    fetch = getattr(result, "to_arrow_table", None) or result.fetch_arrow_table
    return fetch()


def arrow_reader(relation: duckdb.DuckDBPyRelation, rows: int) -> Any:
    """A relation's rows as a pyarrow RecordBatchReader of `rows` a batch, on DuckDB 2.x and 1.4."""
    read = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    return read(rows)


def one(con: Connection, query: str, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
    """The first row of a query, read to the end (DuckDB 2 keeps an unread result pending)."""
    rows = con.execute(query, params or {}).fetchall()
    return rows[0] if rows else None


def scalar(con: Connection, query: str, params: dict[str, Any] | None = None) -> Any:
    """The first column of the first row, or None."""
    row = one(con, query, params)
    return row[0] if row else None


def bump_data_version(con: Connection) -> None:
    """Mark that the data changed, inside the writing transaction (dashboard caches key on it)."""
    con.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")


def data_version(con: Connection) -> int:
    """A number that changes whenever reports, the register or settings change."""
    value = scalar(con, "SELECT value FROM meta WHERE key = 'data_version'")
    return int(value) if value is not None else 0


def stored_settings(con: Connection) -> dict[str, str]:
    """Organisation settings saved from the Settings page."""
    return {str(n): str(v) for n, v in con.execute("SELECT name, value FROM settings").fetchall()}


def setting(con: Connection, name: str) -> Any:
    """One setting's value, taking the database's saved organisation settings into account."""
    return settings.get(name, stored_settings(con))


def save_setting(con: Connection, name: str, raw: Any, who: str | None = None) -> Any:
    """Validate and save an organisation setting; returns the coerced value."""
    return save_settings(con, {name: raw}, who)[name]


def save_settings(con: Connection, raws: dict[str, Any], who: str | None = None) -> dict[str, Any]:
    """Validate organisation settings together with those in force (SettingsError says why a
    value, or values taken together, cannot be used: nothing is saved then), and save them all in
    one transaction; returns the coerced values."""
    values = {name: settings.validate_value(name, raw) for name, raw in raws.items()}
    stored = stored_settings(con)
    settings.check_together({s.name: settings.get(s.name, stored) for s in settings.SETTINGS
                             if s.editable} | values)
    with transaction(con):
        for name, value in values.items():
            con.execute(
                "INSERT OR REPLACE INTO settings VALUES ($n, $v, $w, now())",
                {"n": name, "v": str(value), "w": who},
            )
        bump_data_version(con)
    return values
