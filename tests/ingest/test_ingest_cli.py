"""The `python -m ingest` contract of SPEC §6: exit codes, --json shape, template, annotate, backup."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from testdata import ROOT, SAMPLE, report

from ingest import db
from ingest.access import CLI
from ingest.cli import main
from ingest.dates import Period
from ingest.load import load_file
from ingest.register import load_register
from ingest.template import build_template

GOOD = ["FIN-01", "Roll out the new procurement system", "SO1", "T. Mokoena", 10000, 5000,
        dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 40, None, None]
BAD = GOOD[:8] + ["Doing it"] + GOOD[9:]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "Finance_2025-02.xlsx"
    good.write_bytes(report([GOOD]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(report([BAD]))
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook at all")
    return {"good": good, "bad": bad, "junk": junk}


def test_validate_exit_codes_and_json(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nodb = ["--db", str(tmp_path / "none.duckdb")]
    assert main(["validate", str(files["good"]), *nodb]) == 0
    assert "validating without the register" in capsys.readouterr().err
    assert main(["validate", str(files["bad"]), "--json", *nodb]) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"department", "period", "rows", "errors", "warnings"}
    assert (out["department"], out["period"], out["rows"]) == ("Finance", "2025-02", 1)
    assert out["errors"] == [{"sheet": "Actions", "row": 5, "column": "I", "header": "Status", "value": "Doing it",
                              "message": "'Doing it' is not a status: use Not started, In progress, At risk, "
                                         "Delayed, On hold, Completed or Cancelled."}]
    # a file refused before its rows are read (more than max_rows) is still Finance's, as the
    # text line says (its JSON said "department": null: the SPEC reading); and the settings
    # apply without a database too (max_rows was read as 5,000 whatever it said)
    many = tmp_path / "many.xlsx"
    many.write_bytes(report([[f"FIN-{i:02d}", *GOOD[1:]] for i in range(3)]))
    os.environ["LEKGOTLA_MAX_ROWS"] = "2"
    try:
        assert main(["validate", str(many), "--json", *nodb]) == 1
    finally:
        del os.environ["LEKGOTLA_MAX_ROWS"]
    out = json.loads(capsys.readouterr().out)
    assert (out["department"], out["period"]) == ("Finance", "2025-02")  # its metadata cells
    assert out["errors"][0]["message"].startswith("The sheet has 3 action rows, more than the 2")
    assert main(["validate", str(files["junk"]), *nodb]) == 2
    assert main(["validate", str(tmp_path / "missing.xlsx"), *nodb]) == 2
    assert main(["validate", str(files["good"]), "--period", "Smarch", *nodb]) == 2
    assert not (tmp_path / "none.duckdb").exists(), "validate never writes"


def test_load_continues_after_a_rejected_file(files: dict[str, Path], tmp_path: Path) -> None:
    dbp = str(tmp_path / "l.duckdb")
    r = run("load", str(files["bad"]), str(files["good"]), "--db", dbp)
    assert r.returncode == 1
    assert "bad.xlsx: Rejected: 1 error; nothing was stored." in r.stdout
    assert "cell I5, column 'Status'" in r.stdout
    assert "Finance_2025-02.xlsx: Finance, February 2025: 1 action stored" in r.stdout
    con = db.connect(dbp)
    assert con.execute("SELECT status, count(*) FROM uploads GROUP BY 1 ORDER BY 1").fetchall() == [
        ("accepted", 1), ("rejected", 1)]
    con.close()


def test_annotate_marks_a_bad_cell_that_held_a_control_character(tmp_path: Path) -> None:
    # a CSV's escape code in the bad cell: the marked workbook is written, without it
    header = "Action ID,Action,Status,Due date\r\n"
    data = (header + "E1,Roll out the new procurement system,Bad\x1b[8mstatus,2025-12-31\r\n").encode()
    (tmp_path / "Finance_2025-02.csv").write_bytes(data)
    out = tmp_path / "marked.xlsx"
    assert main(["annotate", str(tmp_path / "Finance_2025-02.csv"), "--out", str(out),
                 "--db", str(tmp_path / "x.duckdb")]) == 1
    wb = load_workbook(out)
    assert wb["Finance_2025-02"]["C2"].value == "Bad[8mstatus"
    assert wb["Finance_2025-02"]["C2"].comment.text.startswith("ERROR: 'Bad[8mstatus' is not a status")


def test_template_of_text_stored_with_control_characters(tmp_path: Path) -> None:
    # text stored before Lekgotla cleaned what it reads: the template still builds, without them
    con = db.connect(tmp_path / "t.duckdb")
    [o] = load_file(con, report([GOOD]), "Finance_2025-02.xlsx")
    assert o.status == "accepted"
    con.execute("UPDATE action_status SET action = 'Roll out' || chr(11) || 'the system' || chr(27)")
    template = build_template(con, "Finance", Period(2025, 3), user=CLI)
    ws = load_workbook(io.BytesIO(template))["Actions"]
    actions = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
    assert "Roll outthe system" in actions
    con.close()


def test_annotate_marks_the_bad_cell(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "annotated.xlsx"
    assert main(["annotate", str(files["bad"]), "--out", str(out), "--db", str(tmp_path / "x.duckdb")]) == 1
    wb = load_workbook(out)
    cell = wb["Actions"]["I5"]
    assert cell.fill.start_color.rgb.endswith("FFC7CE")
    assert cell.comment.text.startswith("ERROR: 'Doing it' is not a status")
    summary = wb["Lekgotla problems"]
    assert [c.value for c in summary[2]][:4] == ["error", "Actions", "I5", "Status"]
    assert main(["annotate", str(files["good"]), "--out", str(tmp_path / "ok.xlsx"),
                 "--db", str(tmp_path / "x.duckdb")]) == 0


def test_template_filled_in_and_uploaded_loads_without_errors(tmp_path: Path) -> None:
    dbp = tmp_path / "t.duckdb"
    con = db.connect(dbp)
    load_register(con, (SAMPLE / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx")
    for p in sorted((SAMPLE / "reports").glob("Finance_2025-0[1-6].xlsx")):
        load_file(con, p.read_bytes(), p.name)
    open_before = con.execute(
        "SELECT action_id FROM action_status WHERE department = 'Finance' AND period = '2025-06' AND is_current "
        "AND status NOT IN ('Completed', 'Cancelled') ORDER BY source_row").fetchall()
    done_before = con.execute(
        "SELECT action_id FROM action_status WHERE department = 'Finance' AND period = '2025-06' AND is_current "
        "AND status = 'Completed' ORDER BY source_row").fetchall()
    con.close()
    out = tmp_path / "Finance_2025-07.xlsx"
    assert main(["template", "--department", "finance", "--period", "2025-07", "--out", str(out), "--db", str(dbp)]) == 0

    wb = load_workbook(out)
    ws = wb["Actions"]
    assert wb["Lists"].sheet_state == "hidden"
    assert (ws["A2"].value, ws["B2"].value, ws["B3"].value) == ("Department", "Finance", "July 2025")
    ids = [ws.cell(row=r, column=1).value for r in range(7, 7 + len(open_before))]
    assert ids == [r[0] for r in open_before]
    assert ws.protection.sheet and ws["A7"].protection.locked and not ws["B7"].protection.locked
    # the 7 actions completed earlier on a sheet of their own, to read: the whole plan, but not
    # rows of the report (a later correction of their month reaches every later month)
    new = 7 + len(open_before)
    assert ws.cell(row=new, column=1).value is None
    assert not ws.cell(row=new, column=1).protection.locked  # room for new actions
    done = wb["Completed earlier"]
    assert done.protection.sheet and done.sheet_state == "visible"
    assert [c.value for c in done[4]][:6] == ["Action ID", "Action", "Objective ID", "Responsible",
                                             "Due date", "Completed on"]
    assert [done.cell(row=r, column=1).value for r in range(5, 5 + len(done_before))] == [
        r[0] for r in done_before]
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["J"].startswith("=Lists!$A$2")  # status drop-down
    assert lists["C"].startswith("=Lists!$B$2")  # objective drop-down
    assert lists["Q"].startswith("=Lists!$C$2") and lists["U"].startswith("=Lists!$D$2")

    # the department head fills it in: every open action progresses, a new one is added
    ws.cell(row=2 + 2, column=2, value=dt.date(2025, 8, 5))  # Date submitted
    for r in range(7, 7 + len(open_before)):
        ws.cell(row=r, column=10, value="In progress")
        ws.cell(row=r, column=11, value=50)
        ws.cell(row=r, column=21, value=None)
    for col, value in ((1, "FIN-99"), (2, "Publish the mid-year budget review report"), (3, "SO1"),
                       (10, "Not started"), (11, 0)):
        ws.cell(row=new, column=col, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    out.write_bytes(buf.getvalue())
    r = run("load", str(out), "--db", str(dbp))
    assert r.returncode == 0, r.stdout + r.stderr
    con = db.connect(dbp)
    n = con.execute("SELECT count(*), min(submitted_at) FROM uploads u WHERE period = '2025-07' AND is_current").fetchall()
    assert n == [(1, dt.datetime(2025, 8, 5))]
    rows = con.execute("SELECT count(*) FILTER (WHERE carried_from_upload IS NULL), count(*) "
                       "FROM action_status WHERE period = '2025-07' AND is_current").fetchall()
    # the rows of the template are read, the open ones filled in and the new action; the 7
    # Completed earlier are carried over from the report they were last read from
    assert rows == [(len(open_before) + 1, len(open_before) + len(done_before) + 1)]
    con.close()


def test_backup_and_restore(tmp_path: Path) -> None:
    dbp = tmp_path / "live.duckdb"
    con = db.connect(dbp)
    load_file(con, report([GOOD]), "Finance_2025-02.xlsx")
    backup = tmp_path / "backup.duckdb"
    from ingest.backup import backup as do_backup

    do_backup(con, backup)  # while the live connection is open
    assert backup.stat().st_mode & 0o777 == 0o600  # users and the audit log: the owner's alone
    con.execute("DELETE FROM action_status")
    con.close()
    assert main(["restore", str(backup), "--db", str(dbp)]) == 0
    con = db.connect(dbp)
    assert con.execute("SELECT action_id FROM action_status").fetchall() == [("FIN-01",)]
    con.close()


# --- what a careless or hurried user gets: a message, never a traceback or a lost file ---------


def test_annotate_never_overwrites_the_report_and_checks_out_first(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = files["bad"]
    before = bad.read_bytes()
    nodb = ["--db", str(tmp_path / "x.duckdb")]
    for out, said in ((bad, "is the report itself"), (tmp_path, "is a folder"),
                      (tmp_path / "marked.csv", "ending in .xlsx or .xlsm"),
                      (tmp_path / "missing" / "marked.xlsx", "does not exist")):
        assert main(["annotate", str(bad), "--out", str(out), *nodb]) == 2
        assert said in capsys.readouterr().err
    assert bad.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in files.values())
    # warnings alone: valid (validate exits 0), yet marked (annotate exits 1, as SPEC §6 says)
    warned = tmp_path / "Finance_2025-03.xlsx"
    warned.write_bytes(report([GOOD[:8] + ["Completed", 100, None, None]], period="March 2025"))
    assert main(["validate", str(warned), *nodb]) == 0
    assert main(["annotate", str(warned), "--out", str(tmp_path / "w.xlsx"), *nodb]) == 1
    assert "0 errors and 1 warning marked" in capsys.readouterr().out


def test_a_template_needs_the_database_and_makes_none(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "typo.duckdb"
    assert main(["template", "--department", "Finance", "--period", "2025-07", "--out",
                 str(tmp_path / "t.xlsx"), "--db", str(missing)]) == 2
    assert f"There is no database at {missing}" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "t.xlsx").exists()


def test_a_file_that_cannot_be_read_does_not_stop_the_others(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dbp = tmp_path / "l.duckdb"
    missing = tmp_path / "nope.xlsx"
    assert main(["load", str(missing), str(tmp_path), str(files["good"]), "--db", str(dbp)]) == 2
    said = capsys.readouterr()
    assert f"{missing}: cannot be read (No such file or directory). Not loaded." in said.err
    assert f"{tmp_path}: cannot be read (Is a directory). Not loaded." in said.err
    assert f"note: there was no database at {dbp}" in said.err
    assert "Finance, February 2025: 1 action stored" in said.out
    con = db.connect(dbp)
    assert db.scalar(con, "SELECT count(*) FROM uploads WHERE status = 'accepted'") == 1
    con.close()
    # --json: every file has its entry, a rejected one with its problems
    assert main(["load", str(missing), str(files["bad"]), "--db", str(dbp), "--json"]) == 2
    entries = json.loads(capsys.readouterr().out)
    assert [e["status"] for e in entries] == ["unreadable", "rejected"]
    assert entries[1]["problems"][0]["message"].startswith("'Doing it' is not a status")
    assert (entries[1]["problems"][0]["severity"], entries[1]["problems"][0]["row"]) == ("error", 5)


def test_a_department_or_period_given_against_the_files_own_is_loaded_with_a_warning(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the flags win (SPEC §2.1), but the report says Finance, February 2025 in its own cells
    dbp = str(tmp_path / "l.duckdb")
    assert main(["load", str(files["good"]), "--department", "Operations", "--period", "2025-07",
                 "--db", dbp]) == 0
    out = capsys.readouterr().out
    assert "Operations, July 2025: 1 action stored, 2 warnings." in out
    assert ("WARNING: sheet 'Actions', cell B1, column 'Department': The report's Department "
            "cell says 'Finance', but the report is loaded for Operations, as chosen") in out
    assert "The report's Reporting period cell says 'February 2025'" in out
    # the same as the file says: no warning
    assert main(["load", str(files["good"]), "--department", "Finance", "--period", "2025-02",
                 "--db", dbp]) == 0
    assert "1 action stored, 0 warnings." in capsys.readouterr().out


def test_a_backfill_without_a_submission_date_is_pointed_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "Finance_2024-01.xlsx"  # no 'Date submitted' cell: stamped with the load's time
    old.write_bytes(report([GOOD], period="January 2024"))
    dbp = str(tmp_path / "l.duckdb")
    assert main(["load", str(old), "--db", dbp]) == 0
    assert "1 report of months long past was recorded as submitted now" in capsys.readouterr().err
    assert main(["load", str(old), "--db", str(tmp_path / "m.duckdb"),
                 "--submitted-at", "2024-02-05"]) == 0
    assert "long past" not in capsys.readouterr().err


def _loaded(tmp_path: Path) -> tuple[Path, Path]:
    """A database (l.duckdb) with Finance's February report (Finance_2025-02.xlsx) loaded."""
    dbp, good = tmp_path / "l.duckdb", tmp_path / "Finance_2025-02.xlsx"
    good.write_bytes(report([GOOD]))
    assert main(["load", str(good), "--db", str(dbp)]) == 0
    return dbp, good


def test_files_it_cannot_write_are_a_message_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dbp, good = _loaded(tmp_path)
    capsys.readouterr()
    assert main(["backup", "--db", str(dbp), "/proc/lekgotla.duckdb"]) == 2
    assert "A backup cannot be written to /proc/lekgotla.duckdb" in capsys.readouterr().err
    a_file = tmp_path / "notes.md"
    a_file.write_text("a file where a folder was meant")
    assert main(["backup", "--db", str(dbp), str(a_file / "backups" / "b.duckdb")]) == 2
    assert f"{a_file} is a file, not a folder." in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "backup.duckdb"), "--db", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    assert main(["restore", str(junk), "--db", str(tmp_path / "r.duckdb")]) == 2
    said = capsys.readouterr().err
    assert f"{junk} is not a Lekgotla backup" in said and ".restoring-" not in said


def test_an_empty_database_is_not_restored_over_reports(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live, empty = tmp_path / "live.duckdb", tmp_path / "empty.duckdb"
    good = tmp_path / "Finance_2025-02.xlsx"
    good.write_bytes(report([GOOD]))
    assert main(["load", str(good), "--db", str(live)]) == 0
    db.connect(empty).close()
    capsys.readouterr()
    assert main(["restore", str(empty), "--db", str(live)]) == 2
    assert "holds no reports, and the database holds 1 upload" in capsys.readouterr().err
    con = db.connect(live)
    assert db.scalar(con, "SELECT count(*) FROM uploads") == 1
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "before-restore" in p.name) == []


def test_validate_with_the_database_warns_of_the_actions_a_report_leaves_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # as load and the Upload page do: Finance's February plan has FIN-01 and FIN-02 open
    dbp = str(tmp_path / "l.duckdb")
    february = tmp_path / "Finance_2025-02.xlsx"
    february.write_bytes(report([GOOD, ["FIN-02", *GOOD[1:]]]))
    assert main(["load", str(february), "--db", dbp]) == 0
    march = tmp_path / "Finance_2025-03.xlsx"
    march.write_bytes(report([GOOD], period="March 2025"))
    capsys.readouterr()
    assert main(["validate", str(march), "--db", dbp, "--json"]) == 0
    warned = json.loads(capsys.readouterr().out)["warnings"]
    assert [w["value"] for w in warned if "carried forward" in w["message"]] == ["FIN-02"]


def test_a_header_without_rows_names_the_department_its_metadata_gives(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.xlsx"  # no department in the file name: the metadata names it
    empty.write_bytes(report([], department="Human Resources", period="March 2025"))
    assert main(["validate", str(empty), "--db", str(tmp_path / "none.duckdb")]) == 1
    said = capsys.readouterr()
    assert said.out.startswith(f"{empty}: invalid — Human Resources, March 2025, 0 rows, 1 error")
    assert "There are no action rows under the header (row 4)" in said.out + said.err


def test_a_file_without_a_header_is_for_the_department_and_period_given(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # no header row, so nothing is read from the file: what was given is what it is for
    plain = tmp_path / "Projects.csv"
    plain.write_text("id,name\n1,Road\n2,Bridge\n", encoding="utf-8")
    assert main(["validate", str(plain), "--period", "2016-06", "--department", "Finance",
                 "--db", str(tmp_path / "none.duckdb")]) == 1
    said = capsys.readouterr()
    assert said.out.startswith(f"{plain}: invalid — Finance, June 2016, 0 rows, 1 error")
    assert "No header row found" in said.out


def test_a_backup_taken_from_the_command_line_is_a_hand_backup_never_pruned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from ingest.backup import SCHEDULED, prune

    dbp, good = _loaded(tmp_path)
    folder = tmp_path / "backups"
    folder.mkdir()
    monkeypatch.setenv("LEKGOTLA_BACKUP_DIR", str(folder))
    assert main(["backup", "--db", str(dbp)]) == 0
    capsys.readouterr()
    [made] = folder.iterdir()
    assert made.name.endswith("-manual.duckdb") and not SCHEDULED.match(made.name)
    timed = folder / "lekgotla-20990101T000000.duckdb"  # a newer timed backup beside it
    timed.write_bytes(b"")
    assert prune(folder, 1) == []
    assert sorted(p.name for p in folder.iterdir()) == sorted([made.name, timed.name])


def test_a_relative_backup_path_is_taken_from_the_current_folder_and_restores_from_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # the README's `backup backups/lekgotla-….duckdb` from a folder other than the project's:
    # the half-written copy went into the project folder, and the command failed
    dbp, good = _loaded(tmp_path)
    (tmp_path / "backups").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["backup", "backups/mine.duckdb", "--db", str(dbp)]) == 0
    assert f"{tmp_path / 'backups' / 'mine.duckdb'}: backup written" in capsys.readouterr().out
    assert [p.name for p in (tmp_path / "backups").iterdir()] == ["mine.duckdb"]
    assert not (ROOT / "backups").exists()
    assert main(["restore", "backups/mine.duckdb", "--db", str(dbp)]) == 0
    assert "restored from backups/mine.duckdb" in capsys.readouterr().out
    con = db.connect(dbp)
    assert db.scalar(con, "SELECT count(*) FROM uploads WHERE status = 'accepted'") == 1
    con.close()


def test_a_file_that_is_no_workbook_is_unreadable_to_validate_and_rejected_by_load(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # SPEC §6: validate exits 2 for an unreadable file; load exits 1 when any file was
    # rejected, and it records this one as a rejected upload
    dbp = str(tmp_path / "l.duckdb")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    for junk in (files["junk"], empty):
        assert main(["validate", str(junk), "--db", dbp]) == 2
        assert main(["load", str(junk), str(files["good"]), "--db", dbp]) == 1
        said = capsys.readouterr().out
        assert f"{junk}: Rejected: 1 error; nothing was stored." in said
    con = db.connect(dbp)  # the good file loaded all the same, the others recorded as rejected
    assert db.scalar(con, "SELECT count(*) FROM uploads WHERE status = 'accepted'") == 1
    assert db.scalar(con, "SELECT count(*) FROM uploads WHERE status = 'rejected'") == 2
    con.close()
    assert main(["load", str(files["bad"]), "--db", dbp]) == 1  # a workbook with errors: rejected


def test_a_backup_is_never_written_into_a_folder_that_does_not_exist(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dbp, good = _loaded(tmp_path)
    capsys.readouterr()
    target = tmp_path / "nodir" / "x.duckdb"
    assert main(["backup", str(target), "--db", str(dbp)]) == 2
    assert (f"{target}: the folder {target.parent} does not exist. Make it first, or name a "
            "folder that exists.") in capsys.readouterr().err
    assert not target.parent.exists()
    assert main(["backup", str(tmp_path), "--db", str(dbp)]) == 2
    assert f"{tmp_path} is a folder: give a file name" in capsys.readouterr().err


def test_a_relative_db_flag_is_taken_from_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from ingest import settings
    from presentation.cli import main as metrics_main

    good = tmp_path / "Finance_2025-02.xlsx"
    good.write_bytes(report([GOOD]))
    monkeypatch.chdir(tmp_path)
    assert main(["load", good.name, "--db", "here.duckdb"]) == 0
    assert f"no database at {tmp_path / 'here.duckdb'}" in capsys.readouterr().err
    assert (tmp_path / "here.duckdb").exists() and not (ROOT / "here.duckdb").exists()
    assert metrics_main(["kpis", "--period", "2025-02", "--db", "here.duckdb", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["actions"] == 1
    # the setting stays the project's, as the dashboard reads it
    monkeypatch.setenv("LEKGOTLA_DB", "data/other.duckdb")
    assert settings.database() == str(ROOT / "data" / "other.duckdb")


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path) -> None:
    dbp, good = _loaded(tmp_path)
    for module, args in (("metrics", ["kpis", "--period", "2025-02"]), ("ingest", ["validate", str(good)])):
        read, write = os.pipe()
        os.close(read)  # as `| head` does once it has its lines: every write fails
        try:
            done = subprocess.run([sys.executable, "-m", module, *args, "--db", str(dbp)], stdout=write,
                                  stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
        finally:
            os.close(write)
        assert (done.returncode, done.stderr) == (141, ""), module


def test_a_database_in_use_and_a_file_that_is_no_backup_are_said_in_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from presentation.cli import main as metrics_main

    dbp, good = _loaded(tmp_path)
    csv = tmp_path / "exp.csv"
    csv.write_text("action_id,status\nFIN-01,Completed\n")
    capsys.readouterr()
    assert main(["restore", str(csv), "--db", str(dbp)]) == 2
    said = capsys.readouterr().err
    assert f"{csv} is not a Lekgotla backup: it is not a DuckDB database file." in said
    assert "Error:" not in said  # DuckDB's own words ('in-memory database') are not shown
    # a shared store's backup given without the store's settings (the ops review: told it was
    # no backup at all): said what it is and what to give
    manifest = tmp_path / "lekgotla-20261207T120000.lake.json"
    manifest.write_text('{"snapshot": 12, "catalog": "lekgotla-20261207T120000.catalog.dump"}')
    assert main(["restore", str(manifest), "--db", str(dbp)]) == 2
    said = capsys.readouterr().err
    assert f"{manifest} is a backup of the shared store, and the database this command was " \
        "given is a DuckDB file (setting db). Nothing was changed." in said
    assert "set -a; . STATE/lekgotla.env; set +a" in said
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; held = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); time.sleep(60)", str(dbp)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert main(["load", str(good), "--db", str(dbp)]) == 2
        assert metrics_main(["kpis", "--period", "2025-02", "--db", str(dbp)]) == 1
        for said in capsys.readouterr().err.strip().splitlines():
            assert f"The database {dbp} is in use by " in said and "most likely the running dashboard" in said
            assert "Could not set lock" not in said
    finally:
        holder.kill()
        holder.wait()


def test_load_with_who_names_that_person_in_the_audit_log(files: dict[str, Path], tmp_path: Path) -> None:
    dbp = tmp_path / "who.duckdb"
    assert main(["load", str(files["good"]), "--db", str(dbp), "--who", "ops reviewer"]) == 0
    assert main(["load", str(files["bad"]), "--db", str(dbp)]) == 1  # no --who: the command line
    con = db.connect(dbp)
    uploads = con.execute("SELECT uploaded_by, status FROM uploads ORDER BY upload_id").fetchall()
    audit = con.execute("SELECT actor, action, outcome FROM audit_log WHERE action = 'upload' "
                        "ORDER BY audit_id").fetchall()
    con.close()
    assert uploads == [("ops reviewer", "accepted"), ("cli", "rejected")]
    # the person --who gives, marked as acting through the command line (it was 'cli')
    assert audit == [("ops reviewer (command line)", "upload", "accepted"),
                     ("cli", "upload", "rejected")]


def test_help_says_backup_and_restore_run_beside_the_dashboards_on_the_shared_store(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "a DuckDB file: dashboard stopped" in said
    assert "the shared store: while the dashboards run" in said
    assert "on the shared store, while the dashboards run" in said
