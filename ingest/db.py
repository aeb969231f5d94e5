"""The one module that opens the database, applies migrations and runs transactions."""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from ingest import settings
from ingest.errors import LekgotlaError

try:
    import fcntl
except ImportError:  # not POSIX: writers at once on the shared store are told apart by conflicts only
    fcntl = None  # type: ignore[assignment]

Connection = duckdb.DuckDBPyConnection
T = TypeVar("T")
_MIGRATION = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_INCLUDE = re.compile(r"\{\{([a-z_]+):([a-z0-9_]+)\}\}")
# the storage format new DuckDB files are written in: the oldest line Lekgotla runs on (README
# "DuckDB"), so a file made under DuckDB 2.x still opens where the lake extra pinned 1.4
FILE_STORAGE = "v1.4.0"
# what to do with a file made under DuckDB 2.x before Lekgotla wrote FILE_STORAGE, met by 1.4
NEWER_FORMAT_HINT = ("Open it with a plain install (pip install -e .), which takes DuckDB 2.x, and "
                     "make a backup there (python -m ingest backup): a backup opens on both lines.")
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
    dialect = lake_dialect if is_lake(con) else (lambda text: text)
    if not scalar(con, _TABLE_EXISTS, {"t": "schema_migrations"}):
        write(con, lambda c: c.execute(dialect(sql("schema_migrations_create"))), ticket=False)
    known = migrations()
    applied = {r[0] for r in con.execute(sql("migrations_applied")).fetchall()}
    ran = 0
    for version, name, text in known:
        if version in applied or (versions is not None and version not in versions):
            continue

        def apply(c: Connection, version: int = version, name: str = name, text: str = text) -> int:
            # read again inside the transaction: another process may have applied it meanwhile
            if scalar(c, sql("migration_applied"), {"v": version}):
                return 0
            c.execute(dialect(text))
            c.execute(sql("migration_record"), {"v": version, "n": name})
            return 1
        # the ticket bumps meta (migration 001) and its row (migration 010): nothing before that
        ran += write(con, apply, ticket=bool(scalar(con, _TABLE_EXISTS, {"t": "meta"})))
    applied = {r[0] for r in con.execute(sql("migrations_applied")).fetchall()}
    if {m[0] for m in known} <= applied:
        follow_definitions(con)
    return ran


_TABLE_EXISTS = ("SELECT count(*) FROM duckdb_tables() WHERE table_name = $t "
                 "AND database_name = current_database() AND schema_name = 'main'")


# What a DuckLake catalog does not hold, removed from a migration's text before it runs there:
# constraints other than NOT NULL (the code keeps keys unique: every write transaction bumps one
# row, so writers at once conflict and are retried) and indexes; its macros live only while the
# migration runs (the code includes SQL fragments instead); a default must be a literal.
_CONSTRAINT = re.compile(r",\s*PRIMARY KEY\s*\([^)]*\)|\s+PRIMARY KEY\b")
_INDEX = re.compile(r"CREATE\s+(?:UNIQUE\s+)?INDEX\b[^;]*;", re.IGNORECASE)
_BOOLEAN_DEFAULT = re.compile(r"\bDEFAULT\s+(TRUE|FALSE)\b")


def _without_checks(text: str) -> str:
    out, i = [], 0
    for found in re.finditer(r"\s+CHECK\s*\(", text):
        if found.start() < i:
            continue
        depth, j = 1, found.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
        out.append(text[i:found.start()])
        i = j
    return "".join(out) + text[i:]


def lake_dialect(text: str) -> str:
    """A migration's SQL as a DuckLake catalog takes it (see the comment above)."""
    lines = []
    for line in text.splitlines(keepends=True):  # comments may hold any word
        code, dashes, _comment = line.partition("--")
        lines.append(code + ("\n" if dashes else ""))
    code = _without_checks("".join(lines))
    code = _CONSTRAINT.sub("", code)
    code = _INDEX.sub("", code)
    code = _BOOLEAN_DEFAULT.sub(lambda m: f"DEFAULT '{m.group(1).lower()}'", code)
    code = re.sub(r"\bCREATE\s+MACRO\b", "CREATE TEMP MACRO", code)
    return code


def follow_definitions(con: Connection) -> bool:
    """Rebuild `report_summary` when the definition it was computed by (ingest/sql, its
    fragments included) is not today's: a formula changed in one file needs no migration.
    Returns whether it rebuilt."""
    definition = hashlib.sha256(sql("refresh_summary_insert").encode()).hexdigest()
    kept = con.execute(sql("derived_definition"), {"name": "report_summary"}).fetchone()
    if kept is not None and kept[0] == definition:
        return False

    def rebuild(c: Connection) -> None:
        refresh_summary(c)
        c.execute(sql("derived_definition_forget"), {"name": "report_summary"})
        c.execute(sql("derived_definition_save"), {"name": "report_summary", "sha256": definition})
    write(con, rebuild)
    return True


def refresh_summary(con: Connection, departments: Sequence[str] = (),
                    periods: Sequence[str] = ()) -> None:
    """Rebuild the `report_summary` rows of these departments and periods (every one when
    empty) from their reports in force, under the RAG thresholds in force; inside the caller's
    transaction."""
    scope = {"departments": list(departments), "periods": list(periods)}
    stored = stored_settings(con)
    con.execute(sql("refresh_summary_delete"), scope)
    con.execute(sql("refresh_summary_insert"), {
        **scope,
        "red_slip_days": int(settings.get("red_slip_days", stored)),
        "red_schedule_variance": float(settings.get("red_schedule_variance", stored)),
        "amber_schedule_variance": float(settings.get("amber_schedule_variance", stored)),
    })


def connect(path: str | Path | None = None, read_only: bool = False,
            versions: Collection[int] | None = None) -> Connection:
    """Open the database (`:memory:` for tests; a file; or the shared store, `ducklake:…`),
    migrated to the latest schema (or `versions`)."""
    target = settings.database(path)
    if is_lake(target):
        con = _connect_lake(target)
    else:
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        try:
            if target != ":memory:" and not read_only and not Path(target).exists():
                # a file keeps the format it was made in (reopened without the setting too)
                duckdb.connect(target, config={"storage_compatibility_version": FILE_STORAGE}).close()
            con = duckdb.connect(target, read_only=read_only)
        except duckdb.IOException as e:
            if newer_format(e):
                raise LekgotlaError(f"The database {target} was written by a newer DuckDB than "
                                    f"this install's ({duckdb.__version__}). {NEWER_FORMAT_HINT}",
                                    "Open it with DuckDB 2.x") from e
            if "lock" not in str(e).lower():  # a folder, a file that is not a database, ...
                raise LekgotlaError(f"The database {target} cannot be opened: {e}",
                                    "Check the db setting (or --db)") from e
            raise LekgotlaError(
                f"{in_use_message(Path(target), e)} Only one program at a time can open a DuckDB "
                "file: stop it and run this again, or do this on the dashboard while it runs.",
                "Close the other program using the database (only one process can write to it)",
            ) from e
    return opened(con, read_only, versions)


def opened(con: Connection, read_only: bool = False,
           versions: Collection[int] | None = None) -> Connection:
    """A connection just opened, set up as `connect` sets up each one: this process's DuckDB
    settings, and migrated to the latest schema (or `versions`) unless read-only."""
    # a table the query names but the database lacks (a schema behind the code's) is an error,
    # never a Python variable of that name picked up by DuckDB's replacement scan (an instance
    # already locked down in this process was opened here, so has it set)
    if not scalar(con, "SELECT current_setting('lock_configuration')"):
        con.execute("SET GLOBAL python_enable_replacements = false")
        if settings.get("threads"):
            con.execute(f"SET GLOBAL threads = {int(settings.get('threads'))}")
    if not read_only:
        migrate(con, versions)
    return con


_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


def in_use_message(path: Path, error: BaseException | None) -> str:
    """Which program holds the database, in words, as DuckDB's lock error tells it."""
    found = _HOLDER.search(str(error)) if error is not None else None
    who = f"{Path(found.group(1)).name} (process {found.group(2)})" if found else "another program"
    return f"The database {path} is in use by {who}, most likely the running dashboard."


def newer_format(error: BaseException) -> bool:
    """Whether DuckDB refused a file for its storage format being newer than it reads."""
    return "newer version of duckdb" in str(error).lower()


def is_lake(con_or_target: Connection | str | Path) -> bool:
    """Whether a connection (or a `db` value) is the shared store rather than a DuckDB file."""
    if isinstance(con_or_target, (str, Path)):
        return settings.is_lake(con_or_target)
    return bool(scalar(con_or_target, "SELECT count(*) FROM duckdb_databases() "
                                      "WHERE database_name = current_database() AND type = 'ducklake'"))


def _lake_config() -> dict[str, Any]:
    """DuckDB's settings for the shared store: its extensions (ducklake, postgres) loaded from
    the PyPI packages of the `lake` extra, never fetched."""
    try:
        import duckdb_ext  # type: ignore[import-not-found]  # the lake extra's extension binaries
    except ImportError as e:
        raise LekgotlaError(
            "The shared store (ducklake:…) needs the DuckLake extension, which is not installed.",
            'Install it with: pip install -e ".[lake]"') from e
    # allow_unsigned_extensions: DuckDB then skips hashing the two binaries (~100 MB) to check
    # their signature, which took ~0.5 s on every open; they come from the installed package
    config = {"extension_directory": str(Path(list(duckdb_ext.__path__)[0]) / "extensions"),
              "autoinstall_known_extensions": False, "autoload_known_extensions": True,
              "allow_unsigned_extensions": True}
    if settings.get("s3_endpoint"):  # data files on S3-compatible storage other than Amazon's
        config.update({"s3_endpoint": settings.get("s3_endpoint"),
                       "s3_url_style": settings.get("s3_url_style"),
                       "s3_use_ssl": settings.get("s3_use_ssl")})
    return config


def redact(target: str) -> str:
    """A connection string fit to show: its password hidden."""
    return re.sub(r"(password\s*=\s*)(\S+)", r"\1***", target)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connect_lake(target: str) -> Connection:
    config = _lake_config()
    try:
        try:
            return duckdb.connect(target, config=config)
        except duckdb.InvalidInputException as e:
            if "data_path is not set" not in str(e):
                raise
        # a new store: created once, with where its data files go (kept in its catalog)
        boot = duckdb.connect(":memory:", config=config)
        try:
            boot.execute(f"ATTACH {_literal(target)} AS lake (DATA_PATH {_literal(settings.data_path())})")
        finally:
            boot.close()
        return duckdb.connect(target, config=config)
    except duckdb.Error as e:
        raise LekgotlaError(
            f"The shared store {redact(target)} cannot be opened: {redact(str(e))}",
            "Check that its PostgreSQL server is running and that the db setting's connection "
            "string is right (docs/deployment.md)") from e


def lake_data_path(con: Connection) -> str:
    """Where the shared store keeps its data files (as its catalog records it)."""
    return str(scalar(con, "SELECT value FROM ducklake_options(current_database()) "
                           "WHERE option_name = 'data_path'"))


def snapshot(con: Connection) -> int | None:
    """The shared store's latest snapshot (None for a DuckDB file)."""
    if not is_lake(con):
        return None
    return int(scalar(con, "SELECT max(snapshot_id) FROM ducklake_snapshots(current_database())"))


# One writer at a time in this process: every session's cursor shares one database, so
# concurrent write transactions would only conflict. Readers never take it. Other processes are
# kept out by DuckDB's file lock, or, on the shared store, told apart by a conflict at commit.
_WRITE_LOCK = threading.RLock()
_OPEN = threading.local()  # the connections with a transaction open in this thread
_COMMITS = [0]  # write transactions this process has committed


def commits() -> int:
    """How many write transactions this process has committed so far (what it read before
    may be out of date when this has moved)."""
    return _COMMITS[0]


@contextmanager
def write_lock() -> Iterator[None]:
    """Hold the process's write lock (re-entrant) for a write made outside `transaction`."""
    with _WRITE_LOCK:
        yield


def _open_here() -> set[int]:
    if not hasattr(_OPEN, "ids"):
        _OPEN.ids = set()
    return _OPEN.ids  # type: ignore[no-any-return]


@contextmanager
def transaction(con: Connection, ticket: bool = True) -> Iterator[Connection]:
    """BEGIN ... COMMIT under the write lock, rolled back on any exception so nothing is
    half-written; inside a transaction already open on `con`, part of it.

    It first bumps the `writes` row, so that two writers at once (other processes on the shared
    store) conflict, and the one that commits second gets an error that `is_conflict` knows —
    `write` runs its work again then. `ticket=False`: no such row yet (the first migrations)."""
    if id(con) in _open_here():
        yield con
        return
    with _WRITE_LOCK, _writers_queued(con):
        con.execute("BEGIN TRANSACTION")
        _open_here().add(id(con))
        try:
            if ticket:
                con.execute(sql("writes_ticket"))
            yield con
        except BaseException:
            _open_here().discard(id(con))
            _rollback(con)
            raise
        _open_here().discard(id(con))
        try:
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        _COMMITS[0] += 1


# Writers in other processes on the shared store all conflict (each bumps the `writes` row), and
# all but one redo their work after a pause. Where its data files are in a folder (one machine, or
# a mount every instance shares), a lock file there queues them instead; elsewhere (s3://...), or
# after LOCK_WAIT_S, the conflicts alone keep each write whole.
_LOCK_FILES: dict[str, Path | None] = {}
LOCK_WAIT_S = 60.0


def _lock_file(con: Connection) -> Path | None:
    """The shared store's writers' lock file, or None (a DuckDB file, or data files not in a folder)."""
    if fcntl is None:
        return None
    row = con.execute("SELECT path FROM duckdb_databases() "
                      "WHERE database_name = current_database() AND type = 'ducklake'").fetchone()
    if row is None:
        return None
    catalog = str(row[0])  # the store's catalog connection string: its name is not unique
    if catalog not in _LOCK_FILES:
        path = lake_data_path(con)
        _LOCK_FILES[catalog] = None if "://" in path else Path(path) / ".lekgotla-writers.lock"
    return _LOCK_FILES[catalog]


@contextmanager
def _writers_queued(con: Connection) -> Iterator[None]:
    """Hold the shared store's writers' lock file (when it has one) while the block runs."""
    path = _lock_file(con)
    try:
        handle = open(path, "a") if path is not None else None  # noqa: SIM115 - closed below
    except OSError:  # a folder this process cannot write to: conflicts still keep writes whole
        handle = None
    try:
        if handle is not None:
            waited_until = time.monotonic() + LOCK_WAIT_S
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > waited_until:  # a writer stuck: go on regardless
                        break
                    time.sleep(0.01)
        yield
    finally:
        if handle is not None:
            handle.close()  # and with it the lock


def _rollback(con: Connection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:  # a failed COMMIT may have ended the transaction already
        pass


def is_conflict(error: BaseException) -> bool:
    """Whether another writer committed first (retrying on the new data is right)."""
    return isinstance(error, duckdb.TransactionException) or (
        isinstance(error, duckdb.Error) and "conflict" in str(error).lower())


WRITE_ATTEMPTS = 30


def write(con: Connection, work: Callable[[Connection], T], attempts: int = WRITE_ATTEMPTS,
          ticket: bool = True) -> T:
    """`work(con)` in one transaction (`transaction`); when another writer committed first, run
    it again on what that one wrote, after a random pause. Inside an open transaction, simply
    `work(con)` (the outer `write` retries)."""
    for attempt in range(1, attempts + 1):
        began = time.monotonic()
        try:
            with transaction(con, ticket):
                return work(con)
        except duckdb.Error as e:
            if id(con) in _open_here() or not is_conflict(e) or attempt == attempts:
                raise
        # let the others finish a transaction as long as this one was (randomised, so that
        # writers colliding again spread out), rather than redo the work at once
        took = time.monotonic() - began
        time.sleep(0.005 + random.uniform(0, took * min(2 ** attempt, 8)))
    raise AssertionError("unreachable")


def claim(con: Connection, job: str, every_s: float, now: float | None = None) -> bool:
    """True for the one caller, in any process, that takes `job` (a job done every `every_s`
    seconds) now: its last take is kept in `meta`, and two takes at once conflict, so the one
    retried sees the other's. On the shared store several dashboards run the same schedule."""
    at = int(time.time() if now is None else now)

    def take(c: Connection) -> bool:
        last = scalar(c, sql("job_last_taken"), {"job": job})
        if last is not None and at - int(last) < every_s:
            return False
        if last is None:
            c.execute(sql("job_first_taken"), {"job": job, "at": at})
        else:
            c.execute(sql("job_taken"), {"job": job, "at": at})
        return True

    return write(con, take)


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
    if is_lake(con):  # its data files are the one place it may read and write
        con.execute(f"SET allowed_directories = [{_literal(lake_data_path(con))}]")
    for statement in LOCK_DOWN:
        con.execute(statement)


@contextmanager
def scratch(**tables: Any) -> Iterator[Connection]:
    """An in-memory DuckDB of its own, locked down, where each of `tables` (a DataFrame or an
    Arrow table) is read under its name: for SQL over results already worked out."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET GLOBAL python_enable_replacements = false")  # only the tables given
        for statement in LOCK_DOWN:
            con.execute(statement)
        for name, table in tables.items():
            con.register(name, table)
        yield con
    finally:
        con.close()


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
    """Mark that the data changed, inside the writing transaction (dashboard caches key on it):
    a new random stamp, so two databases share one only while one is a copy of the other as it
    was, unchanged since (migration 014 gave every database its own)."""
    con.execute(sql("data_version_bump"), {"v": secrets.randbits(63)})


def data_version(con: Connection) -> int:
    """The data's stamp: it changes whenever reports, the register or settings change, and two
    databases have the same one only while one is an unchanged copy of the other."""
    value = scalar(con, sql("data_version"))
    return int(value) if value is not None else 0


def stored_settings(con: Connection) -> dict[str, str]:
    """Organisation settings saved from the Settings page."""
    return {str(n): str(v) for n, v in con.execute(sql("settings_stored")).fetchall()}


def check_settings(con: Connection) -> Connection:
    """`con`, once the settings in force agree with those saved in its database (SettingsError
    saying which and where from, else): the start-up check of the dashboard and the commands
    that read or write reports, an environment value weighed against a saved one."""
    settings.check_all(stored_settings(con))
    return con


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

    def save(c: Connection) -> None:
        for name, value in values.items():
            c.execute(sql("setting_delete"), {"n": name})
            c.execute(sql("setting_insert"), {"n": name, "v": str(value), "w": who})
        bump_data_version(c)
    write(con, save)
    return values
