"""The storage backend the tests run on: a DuckDB file (the default) or the shared store
(DuckLake on a throw-away PostgreSQL, with `LEKGOTLA_TEST_BACKEND=lake`; `.ci/run` runs the
storage-touching tests both ways).

On the shared store a "database" is a `ducklake:postgres:…` address: a PostgreSQL database for
its catalog and a folder for its data files. A copy is a new PostgreSQL database made from the
source's (`CREATE DATABASE … TEMPLATE`) with the data folder copied and the copy's catalog
pointed at it, so a test writes to its own store only.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import duckdb

from ingest import db

BACKEND = os.environ.get("LEKGOTLA_TEST_BACKEND", "file")
LAKE = BACKEND == "lake"
PREFIX = "ducklake:postgres:"


def is_lake_target(target: object) -> bool:
    return str(target).startswith(PREFIX)


class Lakes:
    """This process's PostgreSQL cluster (started on first use) and the stores made in it."""

    _cluster = None
    _root: Path | None = None
    _numbers = itertools.count(1)
    _empty: str | None = None
    _sample: str | None = None

    @classmethod
    def cluster(cls):  # noqa: ANN206 - tools.postgres.Cluster
        if cls._cluster is None:
            from tools.postgres import Cluster

            cls._root = Path(tempfile.mkdtemp(prefix="lekgotla-lakes-"))
            cls._root.chmod(0o755)
            starting = Cluster.started(cls._root / "pg")
            cls._cluster = starting.__enter__()
            atexit.register(lambda: (starting.__exit__(None, None, None),
                                     shutil.rmtree(cls._root, ignore_errors=True)))
        return cls._cluster

    @classmethod
    def _name(cls) -> str:
        return f"lake{os.getpid()}_{next(cls._numbers)}"

    @classmethod
    def data_of(cls, target: str) -> Path:
        assert cls._root is not None
        return cls._root / "data" / target.rsplit("dbname=", 1)[1]

    @classmethod
    def new(cls) -> str:
        """A new, empty store (created and migrated on first connect)."""
        pg = cls.cluster()
        name = cls._name()
        pg.create_database(name)
        target = PREFIX + pg.dsn(name)
        data = cls.data_of(target)
        data.mkdir(parents=True)
        previous = os.environ.get("LEKGOTLA_DATA_PATH")
        os.environ["LEKGOTLA_DATA_PATH"] = str(data) + "/"
        try:
            db.connect(target).close()
        finally:
            if previous is None:
                del os.environ["LEKGOTLA_DATA_PATH"]
            else:
                os.environ["LEKGOTLA_DATA_PATH"] = previous
        return target

    @classmethod
    def copy(cls, source: str) -> str:
        """A store of its own with what `source` holds (no connection to `source` may be open)."""
        pg = cls.cluster()
        name = cls._name()
        pg.create_database(name, template=source.rsplit("dbname=", 1)[1])
        target = PREFIX + pg.dsn(name)
        shutil.copytree(cls.data_of(source), cls.data_of(target))
        pg.psql(f"UPDATE ducklake_metadata SET value = '{cls.data_of(target)}/' "
                "WHERE key = 'data_path'", name)
        return target

    @classmethod
    def empty(cls) -> str:
        """A new store at the latest schema, copied from one migrated once per process."""
        if cls._empty is None:
            cls._empty = cls.new()
        return cls.copy(cls._empty)


    @classmethod
    def sample(cls) -> str:
        """A new store holding the sample data (sample_data/), copied from one loaded once per
        process (a load into the store takes seconds, a copy a tenth of one)."""
        if cls._sample is None:
            from ingest.sample import load_sample_data

            source = cls.new()
            con = db.connect(source)
            try:
                load_sample_data(con)
            finally:
                con.close()
            cls._sample = source
        return cls.copy(cls._sample)


def empty_database() -> str:
    """What a test's empty database is opened from: `:memory:`, or a new shared store."""
    return Lakes.empty() if LAKE else ":memory:"


def empty_connection() -> db.Connection:
    """A connection to a new empty database, as `db.connect(empty_database())` gives one: in
    memory (`memory_database`), or a new shared store."""
    return db.connect(Lakes.empty()) if LAKE else memory_database()


class _Built:
    """DuckDB files made once per process: one at the latest schema, and one per `built` name."""

    folder: Path | None = None
    files: ClassVar[dict[str, Path]] = {}

    @classmethod
    def file(cls, name: str, build: Callable[[db.Connection], db.Connection] | None = None) -> Path:
        if name not in cls.files:
            if cls.folder is None:
                cls.folder = Path(tempfile.mkdtemp(prefix="lekgotla-built-"))
                atexit.register(shutil.rmtree, cls.folder, True)
            path = cls.folder / f"{name}.duckdb"
            con = db.connect(path)
            applied = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
            assert applied == {m[0] for m in db.migrations()}, "the template is behind the schema"
            if build is not None:
                con = build(con)
            con.execute("CHECKPOINT")
            con.close()
            cls.files[name] = path
        return cls.files[name]


def memory_database(source: Path | None = None) -> db.Connection:
    """A new in-memory database at the latest schema, as `db.connect(":memory:")` gives one: a
    copy of a database migrated once per process (a copy costs a fifth of running every
    migration), with a data version of its own (migration 014 gives each database one).
    `source`: a copy of that DuckDB file (closed, at the latest schema) instead."""
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{source or _Built.file('migrated')}' AS source (READ_ONLY)")
    con.execute("COPY FROM DATABASE source TO memory")
    con.execute("DETACH source")
    db.bump_data_version(con)
    return db.opened(con)


class _BuiltStores:
    """Shared stores made once per process by `built`, by name."""

    stores: ClassVar[dict[str, str]] = {}


def built(name: str, build: Callable[[db.Connection], db.Connection],
          lake: bool = LAKE) -> db.Connection:
    """A connection to a new database holding what `build` puts into an empty one (`name` tells
    the builds apart): built once per process, each caller given a copy of its own (in memory,
    or with `lake` a new shared store), as `build(empty_connection())` would give it."""
    if not lake:
        return memory_database(_Built.file(name, build))
    if name not in _BuiltStores.stores:
        target = Lakes.empty()
        build(db.connect(target)).close()
        _BuiltStores.stores[name] = target
    return db.connect(Lakes.copy(_BuiltStores.stores[name]))
