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
ROWS = 600  # a load long enough (~0.1-0.5 s) that the kills land in each of its stages


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
    # one Python imports ingest once and forks a loader per load (as a fresh process would be, but
    # without its imports): the loader opens the database, says "ready PID", waits for "go", loads
    # and says "done"; the parent says "reaped" once the loader has ended, however it ended
    script = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        from ingest import db
        from ingest.load import load_file
        print("warm", flush=True)
        while True:
            name = sys.stdin.readline().strip()
            if not name:
                break
            pid = os.fork()
            if pid == 0:
                con = db.connect({str(path)!r})
                print(f"ready {{os.getpid()}}", flush=True)
                sys.stdin.readline()
                load_file(con, Path({str(files)!r}, name).read_bytes(),
                          name.split("_")[0] + "_2025-02.xlsx")
                print("done " + name, flush=True)
                con.close()
                os._exit(0)
            os.waitpid(pid, 0)
            print("reaped", flush=True)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert parent.stdout is not None and parent.stdin is not None
    assert parent.stdout.readline().strip() == "warm"

    def say(line: str) -> None:
        assert parent.stdin is not None
        parent.stdin.write(line + "\n")
        parent.stdin.flush()

    def start(name: str) -> int:
        """A loader that has opened the database and been told to load `name`: its pid."""
        assert parent.stdout is not None
        say(name)
        ready = parent.stdout.readline().strip()
        assert ready.startswith("ready "), ready
        say("go")
        return int(ready.split()[1])

    def ended() -> list[str]:
        """Wait until the loader has ended; what it said before it did."""
        assert parent.stdout is not None
        said = []
        while (line := parent.stdout.readline().strip()) != "reaped":
            assert line, "the loading parent died"
            said.append(line)
        return said

    rng = random.Random(20250201)
    loaded: dict[str, set[int]] = {d: set() for d in DEPTS}

    # how long a whole load takes on this machine now — a replacing one, as most below are — so
    # that the kills land in every stage of one and some after its commit, however busy the machine
    loaded["Finance"].add(1)
    try:
        for name in ("Finance_1.xlsx", "Finance_2.xlsx"):
            start(name)
            began = time.monotonic()
            assert parent.stdout.readline().strip() == f"done {name}"
            one_load = time.monotonic() - began
            assert ended() == []
        loaded["Finance"].add(2)
        kills = 0
        committed = 0
        for _ in range(LOADS):
            dept, n = rng.choice(DEPTS), rng.randint(1, 3)
            before = uploads_count(path)
            pid = start(f"{dept}_{n}.xlsx")
            # somewhere in reading, validating, writing or committing, or just after
            time.sleep(rng.uniform(0.0, 2.0 * one_load))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # it had finished: a kill just after the commit
                pass
            ended()
            kills += 1
            committed += uploads_count(path) > before
            loaded[dept].add(n)  # the killed load may or may not have committed
            check(path, loaded)
    finally:
        parent.stdin.close()
        parent.wait(timeout=60)
    assert kills == LOADS
    # the kills fell both before and after commits (so some landed inside a load)
    assert 0 < committed < LOADS, committed


def uploads_count(path: Path) -> int:
    con = db.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM uploads").fetchall()[0][0])
    finally:
        con.close()
