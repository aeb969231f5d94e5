"""Load many files at once (`python -m ingest load FILE...`, the sample data, a backfill).

The same outcome, file by file, as `load.load_file` on each in turn, done the way a batch
allows: the options and settings read once, the files parsed in worker processes (one per
core) while the database is written, and the writes made in one transaction per batch of files
with `actions` and `report_summary` rebuilt once per batch instead of once per file. A batch is
all or nothing; if writing it fails, it is written again file by file, so that one bad file
costs only itself.

A file that kills its parsing process (a native reader aborting) costs only itself too: the pool
is then broken, so every file still without a result is parsed again alone, in a worker process
bounded like an upload, and the one that dies is rejected with a message. `isolated` (the
command line) parses even a few files that way rather than in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from itertools import repeat
from typing import Any

from ingest import db, lake, settings
from ingest.access import CLI, User, require
from ingest.derived import Pending, refresh_derived
from ingest.errors import IngestError
from ingest.load import (
    Outcome,
    check_rights,
    options_for,
    status_columns,
    store,
    write_parsed,
)
from ingest.parse import Options, ParsedFile, can_load, parse_file
from ingest.problems import Problem

BATCH_FILES = 50
# below this many files, starting worker processes costs more than it saves
PARALLEL_FROM = 8


def _parse(item: tuple[str, bytes], opts: Options) -> ParsedFile:
    """One file parsed, with the Arrow columns of the rows it will store (in a worker process,
    this takes that work off the one process that writes)."""
    parsed = parse_file(item[1], item[0], opts)
    if can_load(parsed, opts.skip_invalid_rows):
        for report in parsed.reports:
            register = opts.register_for(report.period.key)  # as write_parsed checks it
            ids = register.objective_ids if register.version is not None else None
            report.status_columns = status_columns(report, ids)
    return parsed


Parser = Callable[[tuple[str, bytes], Options], ParsedFile]


def _parse_alone(item: tuple[str, bytes], opts: Options, parse: Parser, timeout_s: float, memory_mb: int
                 ) -> ParsedFile:
    """One file parsed in its own bounded worker: if it kills the worker, it alone is rejected."""
    from ingest.worker import run_bounded

    try:
        return run_bounded(parse, item, opts, file_name=item[0], timeout_s=timeout_s, memory_mb=memory_mb)
    except IngestError as e:
        return ParsedFile(item[0], problems=[Problem("error", e.message)], unreadable=True)


def parse_files(files: list[tuple[str, bytes]], opts: Options, workers: int | None = None, *,
                isolated: bool = False, parse: Parser = _parse) -> Iterator[ParsedFile]:
    """Each file parsed, in the order given: in `workers` processes (default: one per core) when
    there are enough files to be worth it, else here (`isolated`: each in a bounded worker process).

    A worker that dies breaks the pool: the files without a result are then parsed one at a time,
    each in its own bounded worker, so only the file that kills its worker is rejected."""
    workers = workers if workers is not None else os.cpu_count() or 1
    timeout_s, memory_mb = float(settings.get("read_timeout_s")), int(settings.get("read_memory_mb"))
    if workers <= 1 or len(files) < PARALLEL_FROM:
        for item in files:
            yield _parse_alone(item, opts, parse, timeout_s, memory_mb) if isolated else parse(item, opts)
        return
    from ingest.worker import forkserver_context, starting_workers  # the parser preloaded

    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=forkserver_context()) as pool:
            with starting_workers():  # the pool starts its processes as the files are handed over
                results = pool.map(parse, files, repeat(opts), chunksize=4)
            for parsed in results:
                yield parsed
                done += 1
        return
    except BrokenProcessPool:
        pass  # a worker died: which file killed it is not known, so the rest go one by one
    for item in files[done:]:
        yield _parse_alone(item, opts, parse, timeout_s, memory_mb)


def load_files(con: db.Connection, files: Iterable[tuple[str, bytes]], who: str | None = None,
               mapping_name: str | None = None, submitted_at: datetime | Mapping[str, datetime] | None = None,
               user: User = CLI, workers: int | None = None, batch_files: int = BATCH_FILES,
               isolated: bool = False, parse: Parser = _parse, **options: Any) -> Iterator[list[Outcome]]:
    """Validate and load (file name, bytes) pairs in order; yields each file's outcomes as its batch commits.

    `isolated`: parse even a few files in worker processes, so that none can stop the load;
    `parse`: how one file is parsed (a module-level function, as it runs in worker processes).

    `submitted_at`: when the files were submitted — one time for all, or per file name (files not
    named: as `load.store` decides). Options as `load.load_file` (department, period, mapping,
    skip_invalid_rows).
    """
    files = list(files)
    require(con, user, "bulk_load", files=len(files))  # and each file's department, as it is stored
    opts = options_for(con, **options)
    mapping_name = mapping_name or (opts.mapping.name if opts.mapping else None)
    batch: list[tuple[bytes, ParsedFile, datetime | None]] = []

    def flush() -> Iterator[list[Outcome]]:
        yield from _write_batch(con, batch, opts, who, mapping_name, user)
        batch.clear()

    parsed_files = parse_files(files, opts, workers, isolated=isolated, parse=parse)
    for (name, data), parsed in zip(files, parsed_files, strict=True):
        when = submitted_at.get(name) if isinstance(submitted_at, Mapping) else submitted_at
        batch.append((data, parsed, when))
        if len(batch) >= batch_files:
            yield from flush()
    if batch:
        yield from flush()
    if db.is_lake(con):  # the shared store: merge the small files the load wrote
        lake.maintain(con)


def _write_batch(con: db.Connection, batch: list[tuple[bytes, ParsedFile, datetime | None]], opts: Options,
                 who: str | None, mapping_name: str | None, user: User) -> Iterator[list[Outcome]]:
    for _, parsed, _ in batch:
        check_rights(con, parsed, opts, user)
    def write_all(con: db.Connection) -> list[list[Outcome]]:
        pending: Pending = {}
        carried: set[str] = set()
        written = [write_parsed(con, data, parsed, opts, who, mapping_name, when, user, pending,
                                changes=False, carried=carried)
                   for data, parsed, when in batch]
        refresh_derived(con, pending)
        db.bump_data_version(con)
        return written

    try:
        results = db.write(con, write_all)
    except Exception:  # rolled back whole: write the files one at a time, so only a bad one fails
        if len(batch) == 1:
            raise
        for data, parsed, when in batch:
            yield store(con, data, parsed, opts, who, mapping_name, when, user)
        return
    yield from results
