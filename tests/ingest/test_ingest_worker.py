"""Reading an uploaded file is bounded in time and memory, and a refusal says why."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from testdata import report

from ingest import db
from ingest.errors import IngestError
from ingest.load import load_file
from ingest.parse import Options
from ingest.worker import parse_file_bounded, run_bounded

ROW = ["FIN-01", "Roll out the new procurement system", "SO1", "T. Mokoena", 10000, 5000,
       dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 40, None, None]


def test_bounded_parse_gives_the_same_result() -> None:
    parsed = parse_file_bounded(report([ROW]), "Finance_2025-02.xlsx", Options(), timeout_s=60)
    assert parsed.errors == [] and parsed.departments == ["Finance"]
    assert list(parsed.reports[0].frame["action_id"]) == ["FIN-01"]


def big_csv(rows: int = 400_000) -> bytes:
    line = "A{},Do the important thing number {} very well indeed,In progress,40,2025-03-31\n"
    return ("Action ID,Action,Status,Progress,Due date\n" + "".join(line.format(i, i) for i in range(rows))).encode()


def test_a_file_that_needs_too_much_memory_is_refused() -> None:
    # max_rows raised so that the CSV line cap (max_rows + 1000) lets the reading begin
    parsed = parse_file_bounded(big_csv(), "Finance_2025-02.csv", Options(max_bytes=10**9, max_rows=10**6),
                                timeout_s=120, memory_mb=60)
    assert parsed.unreadable
    assert parsed.errors[0].message.startswith("Reading Finance_2025-02.csv needed more than 60 MB of memory")


def test_a_file_that_takes_too_long_is_refused() -> None:
    # a reader that sleeps, not a fast parse against a tiny limit: a warm worker can answer inside any limit
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"^Reading Finance_2025-02.xlsx took longer than 0.5 seconds"):
        run_bounded(time.sleep, 30, file_name="Finance_2025-02.xlsx", timeout_s=0.5)
    assert time.monotonic() - started < 10


def test_bounded_upload_writes_nothing_when_refused(con: db.Connection, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LEKGOTLA_READ_MEMORY_MB", "60")
    monkeypatch.setenv("LEKGOTLA_MAX_UPLOAD_MB", "100")
    monkeypatch.setenv("LEKGOTLA_MAX_ROWS", "1000000")  # past the CSV line cap: the memory limit refuses it
    [o] = load_file(con, big_csv(), "Finance_2025-02.csv", bounded=True)
    assert o.status == "rejected" and "needed more than 60 MB" in o.problems[0].message
    assert con.execute("SELECT count(*) FROM action_status").fetchall() == [(0,)]
