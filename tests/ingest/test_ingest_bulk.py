"""Loading many files at once (ingest/bulk.py) leaves exactly what loading them one by one leaves.

The batch path parses in worker processes and writes a batch of files in one transaction with the
derived rows (`actions`, `report_summary`) rebuilt once; none of that may change a single stored
value, an outcome, or what survives a failure.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from backends import memory_database
from derived_rows import assert_kept_exact, changed_copy

from ingest import db, load
from ingest.access import SYSTEM, AccessDenied, User
from ingest.bulk import load_files
from ingest.load import load_file
from ingest.register import load_register
from ingest.sample import SAMPLE_DIR

UPLOAD_COLUMNS = ("upload_id, sha256, file_name, department, period, status, is_current, replaced_upload_id, "
                  "sheet, row_count, warning_count, error_count, skipped_count, messages, register_version")


def _files() -> list[tuple[str, bytes]]:
    """The sample reports in a seeded shuffled order (backfills arrive in any order), then a corrected
    Finance March, the original again (an older version made current), the original once more (a
    duplicate) and a file that is no spreadsheet (rejected)."""
    reports = sorted(p for p in (SAMPLE_DIR / "reports").iterdir() if p.suffix in (".xlsx", ".csv"))
    files = [(p.name, p.read_bytes()) for p in reports]
    random.Random(7).shuffle(files)
    march = (SAMPLE_DIR / "reports" / "Finance_2025-03.xlsx").read_bytes()
    return files + [("Finance_2025-03.xlsx", changed_copy(march)), ("Finance_2025-03.xlsx", march),
                    ("Finance_2025-03.xlsx", march), ("Finance_2025-04.xlsx", b"not a workbook at all")]


def _fresh() -> db.Connection:
    con = memory_database()
    load_register(con, (SAMPLE_DIR / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx",
                  user=SYSTEM)
    return con


def _state(con: db.Connection) -> dict[str, pd.DataFrame]:
    return {
        "uploads": con.execute(f"SELECT {UPLOAD_COLUMNS} FROM uploads ORDER BY upload_id").df(),  # noqa: S608
        "action_status": con.execute("SELECT * FROM action_status ORDER BY upload_id, source_row").df(),
        "actions": con.execute("SELECT * FROM actions ORDER BY department, action_id").df(),
        "report_summary": con.execute("SELECT * FROM report_summary ORDER BY department, period, status").df(),
        "raw_files": con.execute("SELECT sha256, size, file_name FROM raw_files ORDER BY sha256").df(),
    }


def _assert_same_state(a: db.Connection, b: db.Connection) -> None:
    left, right = _state(a), _state(b)
    for table in left:
        pd.testing.assert_frame_equal(left[table], right[table], check_exact=False, rtol=1e-12, obj=table)


@pytest.mark.parametrize("workers, batch_files", [(1, 50), (2, 7)])
def test_a_batch_leaves_what_loading_file_by_file_leaves(workers: int, batch_files: int) -> None:
    files = _files()
    one_by_one = _fresh()
    expected = [[o.as_dict() for o in load_file(one_by_one, data, name, user=SYSTEM)] for name, data in files]
    batched = _fresh()
    got = [[o.as_dict() for o in outcomes]
           for outcomes in load_files(batched, files, user=SYSTEM, workers=workers, batch_files=batch_files)]
    assert got == expected
    statuses = [o["status"] for outcome in got for o in outcome]
    # 41 reports (the consolidated ones hold two departments each) then accepted, restored, duplicate, rejected
    assert statuses[-4:] == ["accepted", "restored", "duplicate", "rejected"]
    _assert_same_state(one_by_one, batched)
    assert_kept_exact(batched)


def test_a_failing_file_costs_only_itself_and_nothing_after_it_is_half_written(
        monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files()[:12]
    bad_name, bad_bytes = files[9]
    real_store_raw = load._store_raw

    def store_raw(con: db.Connection, sha: str, data: bytes, file_name: str) -> None:
        if data == bad_bytes:
            raise OSError("disk full")
        real_store_raw(con, sha, data, file_name)

    monkeypatch.setattr(load, "_store_raw", store_raw)
    con = _fresh()
    done: list[str] = []
    with pytest.raises(OSError, match="disk full"):
        for outcomes in load_files(con, files, user=SYSTEM, workers=1, batch_files=5):
            done += [o.file_name for o in outcomes]
    # files 0-4 in the first batch; the second batch (5-9) failed whole, was written again file by
    # file, and stopped at the bad file: 5-8 are stored, the bad one and everything after it are not
    assert done[:5] == [name for name, _ in files[:5]]
    stored = {r[0] for r in con.execute("SELECT DISTINCT file_name FROM uploads").fetchall()}
    assert stored == {name for name, _ in files[:9]}
    reference = _fresh()
    for name, data in files[:9]:
        load_file(reference, data, name, user=SYSTEM)
    _assert_same_state(reference, con)
    assert_kept_exact(con)


def test_the_cli_loads_many_files_in_one_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ingest.cli import main

    database = tmp_path / "many.duckdb"
    con = db.connect(database)
    load_register(con, (SAMPLE_DIR / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx",
                  user=SYSTEM)
    con.close()
    paths = [str(p) for p in sorted((SAMPLE_DIR / "reports").glob("Finance_*.xlsx"))]
    paths += [str(p) for p in sorted((SAMPLE_DIR / "reports").glob("Operations_*.xlsx"))]
    assert main(["load", *paths, "--db", str(database)]) == 0
    lines = capsys.readouterr().out.splitlines()
    out = [line for line in lines if not line.startswith("  ")]  # each file's line, then its problems
    assert len(out) == 12 and all(": Finance, " in line or ": Operations, " in line for line in out)
    assert all(line.startswith("  WARNING: ") for line in lines if line.startswith("  "))
    con = db.connect(database)
    assert db.scalar(con, "SELECT count(*) FROM uploads WHERE status = 'accepted' AND is_current") == 12


def test_only_the_me_team_loads_many_reports_at_once() -> None:
    head = User("head@org.example", "department_head", departments=frozenset({"Finance"}))
    con = _fresh()
    with pytest.raises(AccessDenied, match="may not load many reports at once"):
        list(load_files(con, _files()[:2], user=head, workers=1))
    assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(0,)]
    assert con.execute("SELECT actor, outcome FROM audit_log WHERE action = 'bulk_load'").fetchall() == [
        ("head@org.example", "refused")]
    me = User("me@org.example", "me")
    assert sum(len(o) for o in load_files(con, _files()[:2], user=me, workers=1)) == 2
