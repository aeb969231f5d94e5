"""The public GMPP trackers (shared/realdata) load through the mapping in sample_data/mappings."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import REALDATA, ROOT

from ingest import db

GMPP_2022 = REALDATA / "GMPP_Government_Major_Projects_Portfolio_AR_Data_March_2022.csv"
GMPP_2023 = REALDATA / "GMPP_Government_Major_Projects_Portofolio_AR_Data_March_2023.csv"
MAPPING = ROOT / "sample_data" / "mappings" / "gmpp.toml"

pytestmark = pytest.mark.skipif(not GMPP_2022.exists(), reason="shared/realdata is not beside the project")


def ingest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_gmpp_two_years_as_two_periods(tmp_path: Path) -> None:
    dbp = str(tmp_path / "gmpp.duckdb")
    r = ingest("load", str(GMPP_2022), "--period", "2022-03", "--mapping", str(MAPPING), "--db", dbp)
    assert r.returncode == 0, r.stdout + r.stderr

    # 2023: exactly one row has its start after its end, which rejects the file and names the cell
    v = ingest("validate", str(GMPP_2023), "--period", "2023-03", "--mapping", str(MAPPING), "--json",
               "--db", str(tmp_path / "no-register.duckdb"))
    assert v.returncode == 1
    errors = json.loads(v.stdout)["errors"]
    assert len(errors) == 1
    assert (errors[0]["row"], errors[0]["column"]) == (178, "I")
    assert errors[0]["message"] == "The start date 2023-02-20 is after the due date 2023-01-20: correct one of them."

    r = ingest("load", str(GMPP_2023), "--period", "2023-03", "--mapping", str(MAPPING), "--db", dbp)
    assert r.returncode == 1 and "Rejected: 1 error;" in r.stdout
    # the bad cell is MOD's (row 178): the refusal is recorded against MOD alone, with its 52 rows;
    # the other 20 departments of the file are named as not stored, not told they were rejected
    assert "The file's other 20 departments, CO, DBT," in r.stdout
    con = db.connect(dbp)
    assert con.execute("SELECT department, row_count, error_count FROM uploads WHERE status = 'rejected' "
                       "ORDER BY upload_id").fetchall() == [("MOD", 52, 1)]
    con.close()

    r = ingest("load", str(GMPP_2023), "--period", "2023-03", "--mapping", str(MAPPING), "--db", dbp,
               "--skip-invalid-rows")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 invalid row skipped" in r.stdout

    con = db.connect(dbp)
    counts = dict(con.execute("SELECT period, count(*) FROM action_status WHERE is_current GROUP BY 1").fetchall())
    # 243 read, and the project whose row was skipped, kept as March 2022 left it: a snapshot's
    # skipped row is not a project that left the portfolio
    assert counts == {"2022-03": 235, "2023-03": 244}
    kept = con.execute("SELECT s.department, s.action_id, u.period FROM action_status s "
                       "JOIN uploads u ON u.upload_id = s.carried_from_upload "
                       "WHERE s.is_current AND s.period = '2023-03'").fetchall()
    assert kept == [("MOD", "MOD_0137_2122-Q1", "2022-03")]
    skipped = con.execute("SELECT sum(skipped_count) FROM uploads WHERE period = '2023-03' AND is_current").fetchall()
    assert skipped == [(1,)]
    # Armoured Cavalry slipped five years between the two snapshots: baseline kept, due date moved
    row = con.execute("SELECT baseline_due_date, due_date FROM actions WHERE action LIKE 'Armoured Cavalry%'").fetchall()
    assert row == [(dt.date(2025, 4, 30), dt.date(2030, 3, 31))]
    moved = con.execute(
        "SELECT count(*) FROM actions a WHERE first_period = '2022-03' AND last_period = '2023-03' "
        "AND due_date <> baseline_due_date").fetchall()[0][0]
    # 61 projects report a different end date in both years; 4 of them moved from BEIS to DESNZ,
    # so their history starts anew under the new department: 57 within one department.
    assert moved == 57
    con.close()
