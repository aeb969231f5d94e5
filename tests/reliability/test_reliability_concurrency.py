"""The app's connection pattern (one connection, a cursor per thread) under concurrent uploads and reads.

20 threads at once, each uploading its own department's reports again and again (new versions) and reading KPIs in
between: ROUNDS uploads each by default, or for RELIABILITY_SECONDS when set (a soak). Then two uploads of the same
department-month race.
Pass: zero errors, nothing lost, and the final state equals loading the same files one by one.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

from testdata import report

from ingest import db
from ingest.load import load_file
from metrics import Filters, kpis

# a soak runs for this long; by default each thread stops after ROUNDS uploads, all 20 started at once, so they
# contend throughout without the test burning a core for a fixed time
SECONDS = float(os.environ.get("RELIABILITY_SECONDS", "0"))
ROUNDS = 4
THREADS = 20


def version(dept: str, n: int) -> bytes:
    rows = [[f"{dept[:3].upper()}-{i}", f"Deliver improvement {i} for the {dept} team", "SO1", "Owner", 1000, 10 * n,
             dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", min(n, 99), None, None] for i in range(1, 6)]
    return report(rows, department=dept)


def state(con: db.Connection) -> list[tuple[object, ...]]:
    return con.execute("SELECT department, period, action_id, percent_complete, budget_spent FROM action_status "
                       "WHERE is_current ORDER BY ALL").fetchall()


def test_concurrent_uploads_and_reads(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "live.duckdb")
    errors: list[BaseException] = []
    last: dict[str, int] = {}
    stop = time.monotonic() + SECONDS
    reads = [0]
    start = threading.Barrier(THREADS)

    def more(n: int) -> bool:
        return time.monotonic() < stop if SECONDS else n < ROUNDS

    def worker(k: int) -> None:
        dept = f"Department {k:02d}"
        cur = con.cursor()
        n = 0
        try:
            start.wait()
            while more(n):
                n += 1
                [o] = load_file(cur, version(dept, n), f"{dept}_2025-02.xlsx")
                assert o.status == "accepted", o.message
                last[dept] = n
                k_ = kpis(cur, Filters("2025-02", (dept,)))
                assert k_["actions"] == 5
                reads[0] += 1
        except BaseException as e:  # noqa: BLE001 - collected and reported by the test
            errors.append(e)
        finally:
            cur.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], errors[:3]
    assert len(last) == THREADS and reads[0] >= THREADS
    assert SECONDS or reads[0] == THREADS * ROUNDS

    # the same department-month uploaded twice at once: one wins, the other retries; one version is current
    a, b = version("Department 00", 1000), version("Department 00", 2000)
    results: list[object] = []

    def race(data: bytes) -> None:
        cur = con.cursor()
        try:
            results.extend(load_file(cur, data, "Department 00_2025-02.xlsx"))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            cur.close()

    racers = [threading.Thread(target=race, args=(d,)) for d in (a, b)]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    assert errors == []
    current = con.execute("SELECT count(*) FROM uploads WHERE department = 'Department 00' AND is_current").fetchall()
    assert current == [(1,)]
    concurrent_state = state(con)
    winner = 1000 if concurrent_state[0][3] == 99 and concurrent_state[0][4] == 10_000 else 2000
    con.close()

    # the same final files loaded one by one give the same state
    seq = db.connect(tmp_path / "sequential.duckdb")
    for k in range(THREADS):
        dept = f"Department {k:02d}"
        load_file(seq, version(dept, last[dept]), f"{dept}_2025-02.xlsx")
    load_file(seq, version("Department 00", winner), "Department 00_2025-02.xlsx")
    assert state(seq) == concurrent_state
    seq.close()
