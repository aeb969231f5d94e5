"""`python -m metrics` (SPEC §6), the filters, and the layering (no streamlit in metrics/)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from metrics_history import build

from ingest.db import connect
from ingest.errors import QueryError
from metrics.filters import Filters, months_of, periods_between, quarter_of
from metrics.kpi_catalogue import KPIS
from presentation.cli import main

# The bold names of SPEC §5.1–5.8, copied from the spec.
SPEC_KPIS = {
    "completion_rate", "mean_progress", "on_time_rate", "overdue_rate", "slipped_count",
    "mean_slip_days", "rescheduled_count", "budget_utilisation", "cost_performance_index",
    "quality_pass_rate", "target_attainment", "smart_compliance", "alignment_rate",
    "objective_coverage", "submission_rate", "on_time_submission_rate",
}
PER_ACTION = {"slip_days", "smart_score", "planned_progress", "schedule_variance",
              "forecast_finish", "forecast_slip_days", "rag", "rescheduled", "due_date_changes",
              "failed_checks", "file_name", "sheet", "source_row"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("metrics") / "history.duckdb"
    con = build(connect(path))
    con.close()
    return str(path)


def test_kpis_json_prints_exactly_the_spec_names(db: str, capsys: pytest.CaptureFixture[str]
                                                 ) -> None:
    assert main(["kpis", "--db", db, "--period", "2025-03", "--department", "Finance",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) - {"scope", "period", "month", "actions"} == SPEC_KPIS
    # hand-worked in test_metrics_kpis: Finance March 2/5 Completed, coverage null
    assert result["completion_rate"] == pytest.approx(0.4)
    assert result["objective_coverage"] is None
    assert result["slipped_count"] == 2 and result["mean_slip_days"] == pytest.approx(15.5)
    assert result["scope"] == "Finance" and result["actions"] == 5


@pytest.mark.parametrize(("written", "key"), [("March 2025", "2025-03"), ("Mar 2025", "2025-03"),
                                              ("03/2025", "2025-03"), ("Q1 2025", "2025-Q1")])
def test_a_period_as_the_dashboard_writes_it(db: str, capsys: pytest.CaptureFixture[str],
                                             written: str, key: str) -> None:
    assert main(["kpis", "--db", db, "--period", written, "--department", "Finance", "--json"]) == 0
    by_words = json.loads(capsys.readouterr().out)
    assert main(["kpis", "--db", db, "--period", key, "--department", "Finance", "--json"]) == 0
    assert by_words == json.loads(capsys.readouterr().out) and by_words["period"] == key


def test_kpis_table_and_department_names(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    # department matched ignoring case and punctuation
    assert main(["kpis", "--db", db, "--period", "2025-Q1", "--department", "HEALTH"]) == 0
    out = capsys.readouterr().out
    for name in SPEC_KPIS:
        assert name in out
    # Health March, on_time_submission_rate 0 (late); objective_coverage shown as a dash
    assert "33.3%" in out and "—" in out


def test_kpis_table_shows_each_kpi_in_its_catalogue_format(db: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The text table formats a KPI as metrics.kpi_catalogue says, as the dashboard and the pack
    do: budget_utilisation is a rate (it printed as a bare ratio, 0.69, before the catalogue)."""
    assert main(["kpis", "--db", db, "--period", "2025-03"]) == 0
    shown = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines())
    pattern = {"rate": r"-?\d+\.\d%", "percent": r"-?\d+\.\d%", "days": r"-?\d+\.\d days",
               "ratio": r"-?\d+\.\d\d", "count": r"\d+"}
    assert re.fullmatch(r"\d+\.\d%", shown["budget_utilisation"].strip())
    for k in KPIS:
        text = shown[k.name].strip()
        assert text == "—" or re.fullmatch(pattern[k.format], text), (k.name, text)


@pytest.mark.parametrize("args, says", [
    (["--period", "2025-07"], "Periods with data: 2025-01, 2025-02, 2025-03, 2025-Q1"),
    (["--period", "2025-03", "--department", "Nowhere"], "Departments: Finance, Health, Works"),
    (["--period", "March"], "YYYY-MM"),  # a month needs its year ("March 2025" is read)
])
def test_bad_arguments_exit_2_saying_what_exists(db: str, capsys: pytest.CaptureFixture[str],
                                                 args: list[str], says: str) -> None:
    assert main(["kpis", "--db", db, *args]) == 2
    assert says in capsys.readouterr().err


def test_missing_database_and_missing_arguments(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpis", "--db", str(tmp_path / "none.duckdb"), "--period", "2025-03"]) == 2
    assert "no database" in capsys.readouterr().err
    assert main(["kpis"]) == 2


def test_actions_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actions", "--db", db, "--period", "2025-03", "--department", "Finance",
                 "--json"]) == 0
    objects = {o["action_id"]: o for o in json.loads(capsys.readouterr().out)}
    assert set(objects) == {"F1", "F2", "F3", "F4", "F5", "F6"}
    for o in objects.values():
        assert PER_ACTION <= set(o)
    f6 = objects["F6"]
    # hand-worked in test_metrics_actions: slip 16, forecast 05-20 (66 days late), Red
    assert f6["slip_days"] == 16 and f6["forecast_finish"] == "2025-05-20"
    assert f6["forecast_slip_days"] == 66 and f6["rag"] == "Red"
    assert f6["failed_checks"] == ["Achievable"] and f6["due_date"] == "2025-03-15"
    assert f6["comments"] == "=SUM(A1)"  # JSON carries the value as reported
    assert objects["F2"]["due_date_changes"] == 2 and objects["F2"]["rescheduled"] is True
    assert objects["F5"]["slip_days"] is None and objects["F4"]["rag"] is None


def test_export_command(db: str, tmp_path: Path) -> None:
    out = tmp_path / "export.xlsx"
    code = main(["export", "--db", db, "--period", "2025-03", "--department", "Finance",
                 "--department", "Works", "--status", "In progress", "--status", "At risk",
                 "--format", "xlsx", "--out", str(out)])
    assert code == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    ids = sorted(str(row[3]) for row in sheet.iter_rows(min_row=2, values_only=True))
    # In progress or At risk in March: F6 (At risk), W2 (In progress)
    assert ids == ["F6", "W2"]
    assert main(["export", "--db", db, "--period", "2025-03", "--objective", "SO77",
                 "--format", "csv", "--out", str(tmp_path / "x.csv")]) == 2


def test_python_dash_m_metrics(db: str) -> None:
    done = subprocess.run([sys.executable, "-m", "metrics", "kpis", "--db", db, "--period",
                           "2025-03", "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # organisation March: 4 of 11 Completed; SO1-SO3 of SO1-SO4 covered
    assert result["completion_rate"] == pytest.approx(4 / 11)
    assert result["objective_coverage"] == pytest.approx(0.75)


def test_metrics_never_imports_streamlit() -> None:
    code = ("import sys, metrics, metrics.cli, presentation.export, metrics.quality; "
            "sys.exit(1 if 'streamlit' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_periods_and_filters() -> None:
    assert months_of("2025-q2") == ["2025-04", "2025-05", "2025-06"]
    assert quarter_of("2025-12") == "2025-Q4"
    assert periods_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert periods_between("2024-Q4", "2025-Q1") == ["2024-Q4", "2025-Q1"]
    assert Filters("2025-03", statuses=("at RISK",)).statuses == ("At risk",)
    for bad in ("2025-13", "2025/03", "2025-Q5", ""):
        with pytest.raises(QueryError):
            Filters(bad)
    with pytest.raises(QueryError):
        Filters("2025-03", statuses=("Green",))
    with pytest.raises(QueryError):
        Filters("2025-03", period_from="2025-Q1")
    with pytest.raises(QueryError):
        Filters("2025-01", period_from="2025-03")


def test_text_output_holds_no_escape_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # text stored before it was cleaned where it is read: an ESC sequence would reach the terminal
    path = tmp_path / "old.duckdb"
    con = build(connect(path))
    con.execute("UPDATE action_status SET action = action || chr(27) || '[2J'")
    con.close()
    assert main(["digest", "--db", str(path), "--period", "2025-03", "--department", "Finance"]) == 0
    out = capsys.readouterr().out
    assert "[2J" in out and "\x1b" not in out
    assert main(["digest", "--db", str(path), "--period", "2025-03", "--department", "Finance",
                 "--json"]) == 0
    assert "\\u001b[2J" in capsys.readouterr().out  # JSON keeps the stored value, escaped
