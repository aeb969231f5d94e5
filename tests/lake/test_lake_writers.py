"""Writers at once on the shared store: three processes each upload 30 reports while a fourth
reads. Nothing is lost or doubled, each read sees whole reports, and the end state equals a
sequential load of the same files. Writers queue on the store's lock file (ingest.db), and one
that was not queued redoes its work after a conflict."""

from __future__ import annotations

import datetime as dt
import fcntl
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from backends import Lakes
from testdata import report

import metrics
from ingest import db
from ingest.access import CLI
from ingest.load import load_file
from metrics.filters import Filters

MONTHS = ["January", "February", "March", "April", "May", "June"]
WRITERS, DEPARTMENTS = 3, 5  # each writer: 5 departments × 6 months = 30 reports


def files_of(writer: int) -> list[tuple[str, bytes]]:
    """The writer's reports: its own departments, each month changing the plan a little."""
    out = []
    for d in range(DEPARTMENTS):
        department = f"Team {writer}{d}"
        for m, month in enumerate(MONTHS, start=1):
            actions = [[f"T{writer}{d}-{k:02d}", f"Action {k} of {department}", "SO1", "Owner",
                        1000.0 * k, 150.0 * k * m, dt.date(2025, 1, 6), dt.date(2025, 6 + k % 3, 28),
                        "Completed" if (k + m) % 5 == 0 else "In progress", min(100, 15 * m + k),
                        None, None]
                       for k in range(1, 4 + (m + d) % 3)]  # 4-6 actions; some left out later
            out.append((f"{department}_2025-{m:02d}.xlsx",
                        report(actions, department=department, period=f"{month} 2025")))
    return out


def upload(target: str, writer: int, start: Any) -> None:
    con = db.connect(target)
    start.wait()
    for name, data in files_of(writer):
        [outcome] = load_file(con, data, name, user=CLI)
        assert outcome.status == "accepted", (name, outcome)
    con.close()


READ = """
SELECT
    (SELECT count(*) FROM (SELECT department, period FROM uploads WHERE is_current
                           GROUP BY ALL HAVING count(*) > 1)) AS doubled,
    (SELECT count(*) FROM uploads u WHERE u.is_current AND u.row_count <>
        (SELECT count(*) FROM action_status s WHERE s.upload_id = u.upload_id
                                               AND s.carried_from_upload IS NULL)) AS partial,
    (SELECT count(*) FROM uploads WHERE is_current) AS reports
"""


def read(target: str, until: Any, out: Any) -> None:
    """Read in one transaction at a time while the writers run: (reads, problems seen, most
    reports seen)."""
    con = db.connect(target)
    reads, problems, most = 0, [], 0
    while not until.is_set():
        con.execute("BEGIN TRANSACTION")
        doubled, partial, reports = con.execute(READ).fetchone()
        metrics.kpis(con, Filters(period="2025-06"))
        con.execute("ROLLBACK")
        reads, most = reads + 1, max(most, reports)
        if doubled or partial:
            problems.append((doubled, partial, reports))
        until.wait(0.5)  # ~2 reads a second: a reading every 50 ms took a core from the writers
    out.put((reads, problems, most))
    con.close()


def state(con: db.Connection) -> dict[str, Any]:
    rows = con.execute(
        "SELECT department, period, action_id, action, status, percent_complete, budget_spent, "
        "due_date, carried_from_upload IS NOT NULL AS carried FROM action_status WHERE is_current "
        "ORDER BY ALL").df()
    kpis = {p: metrics.kpis(con, Filters(period=p)) for p in ("2025-02", "2025-06", "2025-Q2")}
    counts = dict(con.execute("SELECT action, count(*) FROM audit_log GROUP BY ALL").fetchall())
    return {"rows": rows, "kpis": kpis, "audit": counts,
            "uploads": db.scalar(con, "SELECT count(*) FROM uploads")}


def test_three_writers_and_a_reader_at_once_equal_a_sequential_load(
        tmp_path: Path, spawn: Any) -> None:
    target = Lakes.new()
    start, done, out = spawn.Event(), spawn.Event(), spawn.Queue()
    writers = [spawn.Process(target=upload, args=(target, w, start)) for w in range(WRITERS)]
    reader = spawn.Process(target=read, args=(target, done, out))
    for p in [*writers, reader]:
        p.start()
    time.sleep(3)  # every process has opened the store
    began = time.monotonic()
    start.set()
    for p in writers:
        p.join(timeout=600)
    took = time.monotonic() - began
    done.set()
    reads, problems, most = out.get(timeout=120)
    reader.join(timeout=60)
    assert [p.exitcode for p in writers] == [0] * WRITERS
    assert reader.exitcode == 0
    assert reads > 5 and not problems, (reads, problems)
    assert most > 0

    sequential = db.connect(tmp_path / "sequential.duckdb")
    for w in range(WRITERS):
        for name, data in files_of(w):
            load_file(sequential, data, name, user=CLI)
    together = db.connect(target)
    mine, theirs = state(together), state(sequential)
    pd.testing.assert_frame_equal(mine.pop("rows"), theirs.pop("rows"), check_dtype=False)
    assert mine == theirs
    assert mine["uploads"] == WRITERS * DEPARTMENTS * len(MONTHS)
    assert mine["audit"]["upload"] == WRITERS * DEPARTMENTS * len(MONTHS)  # one entry per act
    print(f"90 uploads by 3 processes in {took:.1f} s, {reads} consistent reads meanwhile")


def test_a_writer_waits_while_another_holds_the_stores_writers_lock(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the store's data files are in a folder: writers queue on a lock file there, instead of
    # all but one conflicting at commit and doing their work again
    target = Lakes.new()
    con = db.connect(target)
    holder = open(Lakes.data_of(target) / ".lekgotla-writers.lock", "a")  # noqa: SIM115
    fcntl.flock(holder, fcntl.LOCK_EX)  # as a writer in another process would
    done = threading.Event()

    def save() -> None:
        db.write(con, lambda c: c.execute("INSERT INTO meta VALUES ('probe', 1)"))
        done.set()

    writer = threading.Thread(target=save)
    writer.start()
    try:
        assert not done.wait(1.5), "the writer did not wait for the lock"
    finally:
        holder.close()
    assert done.wait(60)
    writer.join()
    assert db.scalar(con, "SELECT value FROM meta WHERE key = 'probe'") == 1

    # a holder that never lets go (a process stuck mid-write) holds others up LOCK_WAIT_S at most
    monkeypatch.setattr(db, "LOCK_WAIT_S", 0.5)
    holder = open(Lakes.data_of(target) / ".lekgotla-writers.lock", "a")  # noqa: SIM115
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        db.write(con, lambda c: c.execute("UPDATE meta SET value = 2 WHERE key = 'probe'"))
    finally:
        holder.close()
    assert db.scalar(con, "SELECT value FROM meta WHERE key = 'probe'") == 2


def test_a_writer_that_was_not_queued_does_its_work_again_after_a_conflict(spawn: Any) -> None:
    # another writer commits while this one's transaction is open, without the lock (as on a
    # store whose files are on S3): this one's commit conflicts, and its work runs again, once
    target = Lakes.new()
    con = db.connect(target)
    writes = db.scalar(con, "SELECT value FROM meta WHERE key = 'writes'")
    runs = []

    def work(c: db.Connection) -> None:
        runs.append(len(runs) + 1)
        c.execute("INSERT INTO meta VALUES ('probe', $n)", {"n": len(runs)})
        if len(runs) == 1:
            other = spawn.Process(target=bump, args=(target,))
            other.start()
            other.join(timeout=120)
            assert other.exitcode == 0

    db.write(con, work)
    assert runs == [1, 2]
    assert con.execute("SELECT value FROM meta WHERE key = 'probe'").fetchall() == [(2,)]
    assert db.scalar(con, "SELECT value FROM meta WHERE key = 'writes'") == writes + 2


def bump(target: str) -> None:
    """Another process's write, made without the writers' lock."""
    db.connect(target).execute("UPDATE meta SET value = value + 1 WHERE key = 'writes'")
