"""Load many files at once (`python -m ingest load FILE...`, the sample data, a backfill).

The same outcome, file by file, as `load.load_file` on each in turn, done the way a batch
allows: the options and settings read once, the files parsed in worker processes (one per
core) while the database is written, and the writes made in one transaction per batch of files
with `actions` and `report_summary` rebuilt once per batch instead of once per file. A batch is
all or nothing; if writing it fails, it is written again file by file, so that one bad file
costs only itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from itertools import repeat
from typing import Any

from ingest import db
from ingest.access import CLI, User
from ingest.load import (
    Outcome,
    Pending,
    check_rights,
    options_for,
    refresh_derived,
    status_columns,
    store,
    write_parsed,
)
from ingest.parse import Options, ParsedFile, can_load, parse_file

BATCH_FILES = 50
# below this many files, starting worker processes costs more than it saves
PARALLEL_FROM = 8


def _parse(item: tuple[str, bytes], opts: Options) -> ParsedFile:
    """One file parsed, with the Arrow columns of the rows it will store (in a worker process,
    this takes that work off the one process that writes)."""
    parsed = parse_file(item[1], item[0], opts)
    if can_load(parsed, opts.skip_invalid_rows):
        ids = opts.register.objective_ids if opts.register.version is not None else None
        for report in parsed.reports:
            report.status_columns = status_columns(report, ids)
    return parsed


def parse_files(files: list[tuple[str, bytes]], opts: Options, workers: int | None = None
                ) -> Iterator[ParsedFile]:
    """Each file parsed, in the order given: in `workers` processes (default: one per core) when
    there are enough files to be worth it, else here."""
    workers = workers if workers is not None else os.cpu_count() or 1
    if workers <= 1 or len(files) < PARALLEL_FROM:
        for item in files:
            yield _parse(item, opts)
        return
    from ingest.worker import forkserver_context, starting_workers  # the parser preloaded

    with ProcessPoolExecutor(max_workers=workers, mp_context=forkserver_context()) as pool:
        with starting_workers():  # the pool starts its processes as the files are handed over
            results = pool.map(_parse, files, repeat(opts), chunksize=4)
        yield from results


def load_files(con: db.Connection, files: Iterable[tuple[str, bytes]], who: str | None = None,
               mapping_name: str | None = None, submitted_at: datetime | Mapping[str, datetime] | None = None,
               user: User = CLI, workers: int | None = None, batch_files: int = BATCH_FILES, **options: Any
               ) -> Iterator[list[Outcome]]:
    """Validate and load (file name, bytes) pairs in order; yields each file's outcomes as its batch commits.

    `submitted_at`: when the files were submitted — one time for all, or per file name (files not
    named: as `load.store` decides). Options as `load.load_file` (department, period, mapping,
    skip_invalid_rows).
    """
    files = list(files)
    opts = options_for(con, **options)
    mapping_name = mapping_name or (opts.mapping.name if opts.mapping else None)
    batch: list[tuple[bytes, ParsedFile, datetime | None]] = []

    def flush() -> Iterator[list[Outcome]]:
        yield from _write_batch(con, batch, opts, who, mapping_name, user)
        batch.clear()

    for (name, data), parsed in zip(files, parse_files(files, opts, workers), strict=True):
        when = submitted_at.get(name) if isinstance(submitted_at, Mapping) else submitted_at
        batch.append((data, parsed, when))
        if len(batch) >= batch_files:
            yield from flush()
    if batch:
        yield from flush()


def _write_batch(con: db.Connection, batch: list[tuple[bytes, ParsedFile, datetime | None]], opts: Options,
                 who: str | None, mapping_name: str | None, user: User) -> Iterator[list[Outcome]]:
    for _, parsed, _ in batch:
        check_rights(con, parsed, opts, user)
    try:
        with db.transaction(con):
            pending: Pending = {}
            results = [write_parsed(con, data, parsed, opts, who, mapping_name, when, user, pending,
                                    changes=False)
                       for data, parsed, when in batch]
            refresh_derived(con, pending)
            db.bump_data_version(con)
    except Exception:  # rolled back whole: write the files one at a time, so only a bad one fails
        if len(batch) == 1:
            raise
        for data, parsed, when in batch:
            yield store(con, data, parsed, opts, who, mapping_name, when, user)
        return
    yield from results
