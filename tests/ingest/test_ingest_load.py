"""Loading (SPEC §2.6): load → reload → replace → restore, old versions kept, crashes leave the old report."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from testdata import report

from ingest import db
from ingest.load import load_file

FIRST = [["FIN-01", "Roll out the new procurement system", "SO1", "T. Mokoena", 10000, 5000,
          dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 40, None, None],
         ["FIN-02", "Close the annual financial statements", "SO2", "Z. Dlamini", 20000, 1000,
          dt.date(2025, 1, 6), dt.date(2025, 2, 28), "In progress", 70, None, None]]


def current(con: db.Connection, dept: str = "Finance", period: str = "2025-02") -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT action_id, status, percent_complete FROM action_status "
        "WHERE department = $d AND period = $p AND is_current ORDER BY action_id", {"d": dept, "p": period}
    ).fetchall()


def test_load_reload_replace_restore(con: db.Connection) -> None:
    v1 = report(FIRST)
    second = [r.copy() for r in FIRST]
    second[1][8], second[1][9], second[1][10] = "Completed", 100, dt.date(2025, 2, 25)
    v2 = report(second)

    [o] = load_file(con, v1, "Finance_2025-02.xlsx")
    assert (o.status, o.department, o.period, o.rows) == ("accepted", "Finance", "2025-02", 2)
    assert current(con) == [("FIN-01", "In progress", 40.0), ("FIN-02", "In progress", 70.0)]

    [o] = load_file(con, v1, "Finance_2025-02.xlsx")
    assert o.status == "duplicate"
    assert o.message == "Finance, February 2025: identical to the current report (upload #1); nothing changed."

    [o] = load_file(con, v2, "Finance_2025-02 v2.xlsx")
    assert o.status == "accepted"
    # the file and day the head knows, then the number
    assert re.search(r"2 actions stored in place of Finance_2025-02\.xlsx, uploaded \d{1,2} [A-Z][a-z]{2} "
                     r"\d{4} \(upload #1\), ", o.message), o.message
    assert current(con)[1] == ("FIN-02", "Completed", 100.0)
    assert o.changes is not None
    assert o.changes.to_dict("records") == [
        {"action_id": "FIN-02", "action": "Close the annual financial statements", "change": "status changed",
         "before": "In progress", "after": "Completed"}]

    [o] = load_file(con, v1, "Finance_2025-02.xlsx")
    assert o.status == "restored" and o.upload_id == 1
    assert current(con)[1] == ("FIN-02", "In progress", 70.0)

    # every version is kept; exactly one accepted upload is current
    uploads = con.execute("SELECT upload_id, status, is_current FROM uploads ORDER BY upload_id").fetchall()
    assert uploads == [(1, "accepted", True), (2, "duplicate", False), (3, "accepted", False),
                       (4, "duplicate", False)]
    kept = con.execute("SELECT upload_id, count(*) FROM action_status GROUP BY 1 ORDER BY 1").fetchall()
    assert kept == [(1, 2), (3, 2)]
    assert con.execute("SELECT count(*) FROM raw_files").fetchall() == [(2,)]


def test_a_correction_that_moves_only_a_completion_date_lists_it(con: db.Connection) -> None:
    # same status, due date and progress: only when it was done moved, which the preview shows
    done = [r.copy() for r in FIRST]
    done[1][8], done[1][9], done[1][10] = "Completed", 100, dt.date(2025, 2, 25)
    corrected = [r.copy() for r in done]
    corrected[1][10] = dt.date(2025, 2, 27)
    load_file(con, report(done), "Finance_2025-02.xlsx")
    [o] = load_file(con, report(corrected), "Finance_2025-02 v2.xlsx")
    assert o.changes is not None
    assert o.changes.to_dict("records") == [
        {"action_id": "FIN-02", "action": "Close the annual financial statements",
         "change": "completion date changed", "before": "2025-02-25", "after": "2025-02-27"}]



def test_a_rejected_file_writes_no_report(con: db.Connection) -> None:
    load_file(con, report(FIRST), "Finance_2025-02.xlsx")
    bad = [r.copy() for r in FIRST]
    bad[0][8] = "Whatever"
    [o] = load_file(con, report(bad), "Finance_2025-02.xlsx")
    assert o.status == "rejected" and o.errors == 1
    assert current(con) == [("FIN-01", "In progress", 40.0), ("FIN-02", "In progress", 70.0)]
    assert con.execute("SELECT count(*) FROM action_status").fetchall() == [(2,)]


def test_baseline_due_date_is_the_first_reported(con: db.Connection) -> None:
    load_file(con, report(FIRST, period="January 2025"), "Finance_2025-01.xlsx")
    moved = [r.copy() for r in FIRST]
    moved[0][7] = "End of Q2"
    load_file(con, report(moved), "Finance_2025-02.xlsx")
    row = con.execute("SELECT due_date, baseline_due_date, first_period, last_period FROM actions "
                      "WHERE action_id = 'FIN-01'").fetchall()
    assert row == [(dt.date(2025, 6, 30), dt.date(2025, 3, 31), "2025-01", "2025-02")]


def test_killed_load_leaves_the_previous_report(tmp_path: Path) -> None:
    """kill -9 a loading process inside its transaction: the old report is still the current one."""
    path = tmp_path / "db.duckdb"
    con = db.connect(path)
    load_file(con, report(FIRST), "Finance_2025-02.xlsx")
    con.close()
    changed = [r.copy() for r in FIRST]
    changed[0][9] = 90
    new_file = tmp_path / "Finance_2025-02.xlsx"
    new_file.write_bytes(report(changed))
    marker = tmp_path / "inside"
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        import ingest.load as load
        from ingest import db
        real = load.make_current
        def slow(con, *a, **kw):
            real(con, *a, **kw)
            Path({str(marker)!r}).write_text("x")   # rows written, transaction still open
            time.sleep(60)
        load.make_current = slow
        con = db.connect({str(path)!r})
        load.load_file(con, Path({str(new_file)!r}).read_bytes(), "Finance_2025-02.xlsx")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the loader never reached its transaction"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    con = db.connect(path)
    assert current(con) == [("FIN-01", "In progress", 40.0), ("FIN-02", "In progress", 70.0)]
    assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(1,)]
    con.close()


def test_consolidated_file_replaces_each_department(con: db.Connection) -> None:
    from testdata import xlsx

    header = ["Department", "Action ID", "Action", "Status", "Due date"]
    data = xlsx([["Reporting period", "March 2025"], header,
                 ["Finance", "F1", "Pay suppliers within thirty days", "In progress", "End of Q2"],
                 ["human resources", "H1", "Fill the vacant posts this year", "Completed", "End of March"],
                 ["Finance", "F2", "Move payroll to the new system", "Not started", "TBC"]])
    outcomes = load_file(con, data, "tracker.xlsx")
    assert sorted((o.department, o.rows) for o in outcomes) == [("Finance", 2), ("human resources", 1)]
    assert {o.status for o in outcomes} == {"accepted"}


def test_a_consolidated_file_is_held_against_the_departments_whose_rows_have_errors(
        con: db.Connection) -> None:
    from testdata import xlsx

    # one bad cell, Human Resources' H2 (status 'Maybe', row 5): the file is refused as a whole,
    # but only Human Resources is told its report was rejected, with its own 2 rows and 1 error;
    # Finance's 2 rows were not stored either, and the message says so
    header = ["Department", "Action ID", "Action", "Status", "Due date"]
    data = xlsx([["Reporting period", "March 2025"], header,
                 ["Finance", "F1", "Pay suppliers within thirty days", "In progress", "End of Q2"],
                 ["Human Resources", "H1", "Fill the vacant posts this year", "Completed", "End of March"],
                 ["Human Resources", "H2", "Train the new managers", "Maybe", "End of Q3"],
                 ["Finance", "F2", "Move payroll to the new system", "Not started", "TBC"]])
    [outcome] = load_file(con, data, "tracker.xlsx")
    assert (outcome.status, outcome.department, outcome.rows, outcome.errors) == (
        "rejected", "Human Resources", 2, 1)
    assert outcome.message == ("Rejected: 1 error; nothing was stored. The file's other department, "
                               "Finance, was not stored either, because the file was refused.")
    assert [(p.row, p.column) for p in outcome.problems if p.severity == "error"] == [(5, "D")]
    assert con.execute("SELECT department, status, row_count, error_count FROM uploads "
                       "ORDER BY upload_id").fetchall() == [("Human Resources", "rejected", 2, 1)]
    assert con.execute("SELECT department, outcome FROM audit_log ORDER BY audit_id").fetchall() == [
        ("Human Resources", "rejected")]
    # a file-wide error (no period anywhere) is every department's: each is told, with its own rows
    data = xlsx([header, ["Finance", "F1", "Pay suppliers within thirty days", "In progress", "End of Q2"],
                 ["Human Resources", "H1", "Fill the vacant posts this year", "Completed", "End of March"],
                 ["Finance", "F2", "Move payroll to the new system", "Not started", "TBC"]])
    outcomes = load_file(con, data, "tracker.xlsx")
    assert sorted((o.status, o.department, o.rows, o.errors) for o in outcomes) == [
        ("rejected", "Finance", 2, 1), ("rejected", "Human Resources", 1, 1)]
