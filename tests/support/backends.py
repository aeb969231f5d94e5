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
from pathlib import Path

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
