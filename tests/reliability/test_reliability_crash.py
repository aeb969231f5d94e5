"""kill -9 a loading process at random points in 24 loads: afterwards the database opens, every
department-month is wholly the old or wholly the new report, and the uploads table agrees."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from testdata import ROOT, report

from ingest import db

DEPTS = ("Finance", "Operations", "Legal")
LOADS = 24
ROWS = 1500  # a load takes a few hundred ms, so the kills land in every stage of it


def version(dept: str, n: int) -> bytes:
    """Version n of a department's February report: ROWS actions, all with percent_complete = 10 n."""
    rows = [[f"{dept[:3]}-{i}", f"Deliver improvement {i} for the {dept} team", "SO1", "Owner", 1000, 10,
             dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 10 * n, None, None] for i in range(ROWS)]
    return report(rows, department=dept)


def check(path: Path, versions_loaded: dict[str, set[int]]) -> None:
    con = db.connect(path)
    for dept in DEPTS:
        current = con.execute("SELECT upload_id, row_count FROM uploads WHERE department = $d AND is_current",
                              {"d": dept}).fetchall()
        rows = con.execute("SELECT upload_id, count(*), min(percent_complete), max(percent_complete) "
                           "FROM action_status WHERE department = $d AND is_current GROUP BY 1", {"d": dept}).fetchall()
        if not current:  # never committed yet
            assert rows == []
            continue
        [(upload_id, row_count)] = current
        [(rows_upload, count, low, high)] = rows  # one upload's rows only: never a mix
        assert rows_upload == upload_id and count == row_count == ROWS
        assert low == high and int(low) // 10 in versions_loaded[dept]
        actions = con.execute("SELECT count(*) FROM actions WHERE department = $d", {"d": dept}).fetchall()
        assert actions == [(ROWS,)]
    # every accepted upload has its rows; none has rows without an upload row
    orphans = con.execute("SELECT count(*) FROM action_status s LEFT JOIN uploads u USING (upload_id) "
                          "WHERE u.upload_id IS NULL").fetchall()
    assert orphans == [(0,)]
    con.close()


def test_kill_minus_nine_at_random_points(tmp_path: Path) -> None:
    path = tmp_path / "db.duckdb"
    con = db.connect(path)
    con.close()
    files = tmp_path / "files"
    files.mkdir()
    for dept in DEPTS:
        for n in range(1, 4):
            (files / f"{dept}_{n}.xlsx").write_bytes(version(dept, n))
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from ingest import db
        from ingest.load import load_file
        con = db.connect({str(path)!r})
        print("ready", flush=True)
        for line in sys.stdin:
            name = line.strip()
            load_file(con, Path({str(files)!r}, name).read_bytes(), name.split("_")[0] + "_2025-02.xlsx")
            print("done " + name, flush=True)
    """)
    rng = random.Random(20250201)
    loaded: dict[str, set[int]] = {d: set() for d in DEPTS}

    def start(name: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True, cwd=ROOT)
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "ready"
        proc.stdin.write(name + "\n")
        proc.stdin.flush()
        return proc

    # how long a whole load takes on this machine now — a replacing one, as most below are — so
    # that the kills land in every stage of one and some after its commit, however busy the machine
    loaded["Finance"].add(1)
    for name in ("Finance_1.xlsx", "Finance_2.xlsx"):
        proc = start(name)
        began = time.monotonic()
        assert proc.stdout is not None and proc.stdout.readline().strip() == f"done {name}"
        one_load = time.monotonic() - began
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait()
    loaded["Finance"].add(2)
    kills = 0
    committed = 0
    for _ in range(LOADS):
        dept, n = rng.choice(DEPTS), rng.randint(1, 3)
        before = uploads_count(path)
        proc = start(f"{dept}_{n}.xlsx")
        # somewhere in reading, validating, writing or committing, or just after
        time.sleep(rng.uniform(0.0, 2.0 * one_load))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        committed += uploads_count(path) > before
        loaded[dept].add(n)  # the killed load may or may not have committed
        check(path, loaded)
    assert kills == LOADS
    # the kills fell both before and after commits (so some landed inside a load)
    assert 0 < committed < LOADS, committed


def uploads_count(path: Path) -> int:
    con = db.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM uploads").fetchall()[0][0])
    finally:
        con.close()
