"""The dashboard through Streamlit's AppTest: every page renders, and the numbers it shows for a
filter are the ones worked out by hand from sample_data/README.md (not by calling metrics)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from dashboard_helpers import (
    HEADER,
    PAGES,
    Downloads,
    app,
    clear_caches,
    finance_july,
    finance_july_bad,
    metric_values,
    texts,
    workbook,
)
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from testdata import report

import metrics
from ingest import db, mappings_store
from ingest.access import CLI
from ingest.load import load_file
from ingest.mapping import mapping_from_dict
from presentation.markup import md

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _periods(path: Path) -> list[str]:
    con = db.connect(path)
    try:
        return [str(p) for p in metrics.list_periods(con)["period"]]
    finally:
        con.close()


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_without_exception(page: str, reads_sample_db: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(reads_sample_db, monkeypatch, page)
    assert not at.exception, at.exception
    title = {"explore": "Explore & export", "department": "Department",
             "review_pack": "Review pack"}.get(page, page.title())
    assert at.title[0].value == title
    # the sidebar filters are drawn on every page they affect (issue 12 point 10: not on Upload,
    # Settings, Users and Audit), opening on June, the latest month all 7 departments reported
    keys = {w.key for w in at.sidebar.selectbox}
    if page in ("upload", "settings", "users", "audit", "notifications"):
        assert "period" not in keys
    else:
        assert at.selectbox(key="period").value == "2025-06"


def test_overview_tiles_for_the_whole_organisation(db_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch)
    tiles = metric_values(at)
    # June 2025: 73 rows, none Cancelled, Completed 7+6+4+5+7+5+6 = 40; the plan carries over two
    # Completed actions the June reports leave out (HR 3.1, last reported in February, and
    # Strategy 2, last in March) → 75 actions, 42 Completed → 42/75 = 56.0%
    assert tiles["Completion"] == "56.0%"
    # 6 actions without a register objective (ICT-07 SO11, OPS-08 SO12, ICT-11, MC-09,
    # Strategy 4, and HR 3.1 carried, which names none) → 69/75 = 92.0%; all 7 reported → 100.0%
    assert tiles["Alignment"] == "92.0%"
    assert tiles["Submission rate"] == "100.0%"
    assert len(at.metric) == 10
    assert "75 actions in scope (Cancelled left out)" in texts(at)
    # each tile shows its change since May: completion was 31/73 rows (README: 6+4+3+3+7+3+5)
    # plus the same two carried Completed actions → 33/75
    completion = next(m for m in at.metric if m.label == "Completion")
    assert completion.delta == "+12.0 pp"  # 42/75 − 33/75 = 9/75 = 12.0 points


def test_one_action_in_scope_is_said_in_the_singular(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from backends import LAKE, Lakes
    from testdata import xlsx

    target: Any = Lakes.new() if LAKE else tmp_path / "one.duckdb"
    con = db.connect(target)
    data = xlsx([["Department", "Finance"], ["Reporting period", "2026-03"], [],
                 ["Action ID", "Action", "Status", "Due date", "Percent complete"],
                 ["F1", "Close the year-end books", "In progress", "2026-12-31", 40]])
    [o] = load_file(con, data, "Finance_2026-03.xlsx", user=CLI)
    assert o.status == "accepted", o
    con.close()
    at = app(target, monkeypatch)
    assert not at.exception
    assert "1 action in scope (Cancelled left out)" in texts(at)  # "1 actions" before
    assert "Data: 1 report in force" in texts(at)


def test_department_filter_by_widget_key(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch)
    at.multiselect(key="dept").set_value(["Finance"]).run()
    assert not at.exception
    # Finance June: 11 rows, 7 Completed → 63.6%
    assert metric_values(at)["Completion"] == "63.6%"
    at.selectbox(key="period").set_value("2025-03").run()
    # Finance March: 9 rows, 3 Completed → 33.3%
    assert metric_values(at)["Completion"] == "33.3%"


def test_quarter_view_takes_the_last_month_with_data(db_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch)
    at.button_group(key="view").set_value("Quarter").run()
    at.selectbox(key="period").set_value("2025-Q1").run()
    assert not at.exception
    # Q1 → March: 64 rows, OPS-07 Cancelled → 63, plus HR 3.1 carried Completed from February
    # → 64 actions; Completed 3+2+1+2+3+2+3 = 16, +1 → 17/64 = 26.6%
    assert metric_values(at)["Completion"] == "26.6%"
    assert "Q1 2025" in texts(at)


def test_filters_come_from_the_url_and_survive_a_page_change(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, query={"period": "March 2025", "dept": "Finance"})
    assert metric_values(at)["Completion"] == "33.3%"
    at.switch_page(PAGES["department"]).run()
    assert not at.exception
    assert at.selectbox(key="period").value == "2025-03"
    assert at.multiselect(key="dept").value == ["Finance"]
    assert at.selectbox(key="department").value == "Finance"
    assert metric_values(at)["Completion"] == "33.3%"
    assert at.query_params["period"] == "March 2025"


def test_alignment_lists_the_objective_without_action(db_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "alignment")
    assert metric_values(at)["Alignment"] == "92.0%"  # 69/75, as on Overview
    # 9 of the 10 objectives have an action: SO5 has none
    assert metric_values(at)["Objective coverage"] == "90.0%"
    frames = [df.value for df in at.dataframe]
    no_action = next(f for f in frames if "objective" in f.columns and "pillar" in f.columns)
    assert list(no_action["objective_id"]) == ["SO5"]
    orphans = next(f for f in frames if "action_id" in f.columns and "source_row" in f.columns
                   and len(f) == 6)
    # HR 3.1, carried over from February, names no objective either
    assert set(orphans["action_id"]) == {"ICT-07", "OPS-08", "ICT-11", "MC-09", "4", "3.1"}
    assert not any("may serve some of these" in c.value for c in at.caption)  # June: all reported
    # April: Legal and Compliance has not reported, so an objective only it serves is listed too
    at.selectbox(key="period").set_value("2025-04").run()
    assert ("Only the departments that reported April 2025 count: the 1 department that has not "
            "may serve some of these objectives once their reports come in.") in [
        c.value for c in at.caption]


def test_slippage_counts_the_rescheduled_actions(db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "slippage")
    assert not at.exception
    # the timeline's labels name departments by code: the caption says what each stands for
    [timeline] = [c.value for c in at.caption if c.value.startswith("Wide bar")]
    assert timeline.endswith("Departments: HR Human Resources · IT Information Technology · LC "
                             "Legal and Compliance · MC Marketing and Communications · SP "
                             "Strategy and Planning.")
    # README: ICT-01, OPS-02, Strategy 3, FIN-04, LC-03 moved later
    assert metric_values(at)["Rescheduled"] == "5"
    moved = next(df.value for df in at.dataframe if "moves" in df.value.columns)
    by_id = dict(zip(moved["action_id"], moved["moves"], strict=True))
    assert by_id == {"ICT-01": 2, "OPS-02": 2, "3": 1, "FIN-04": 1, "LC-03": 1}


def test_a_tiles_change_is_the_difference_of_the_two_figures_shown(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "department")
    at.selectbox(key="period").set_value("2025-04").run()
    at.selectbox(key="department").set_value("Finance").run()
    tiles = {m.label: (m.value, m.delta) for m in at.metric}
    # Finance: target attainment 76.05% in March, 85.06% in April, shown 76.0% and 85.1%: the
    # exact change, 9.02 points, would read +9.0 where the reader works out +9.1; budget
    # utilisation 59.44% and 66.47%, shown 59.4% and 66.5%: +7.1, not +7.0
    assert tiles["Target attainment"] == ("85.1%", "+9.1 pp")
    assert tiles["Budget utilisation"] == ("66.5%", "+7.1 pp")


def test_department_page_traces_figures_to_their_cells(db_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "department")
    at.selectbox(key="department").set_value("Information Technology").run()
    at.selectbox(key="action").set_value("ICT-01").run()
    assert not at.exception
    # IT June: 11 rows, 5 Completed → 45.5%
    assert metric_values(at)["Completion"] == "45.5%"
    trail = next(df.value for df in at.dataframe if "upload_id" in df.value.columns)
    assert list(trail["period"]) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05",
                                     "2025-06"]
    assert trail["file_name"].iloc[-1] == "Information Technology_2025-06.xlsx"
    assert set(trail["sheet"]) == {"Actions"}
    assert trail["source_row"].iloc[-1] == 2


def test_an_action_not_in_the_months_plan_is_said_so_not_switched_silently(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ICT-11 enters Information Technology's plan in May 2025 (the URL holds an action's label)
    at = app(reads_sample_db, monkeypatch, "department", query={
        "period": "May 2025", "department": "Information Technology",
        "action": "ICT-11 · Decommission the legacy file servers after migration"})
    assert not at.exception
    assert at.selectbox(key="action").value == "ICT-11"
    assert not [i for i in at.info if "is not in" in i.value]
    at.selectbox(key="period").set_value("2025-03").run()
    assert not at.exception
    [note] = [i.value.replace("\\", "") for i in at.info if "is not in" in i.value]
    assert note.startswith("Action ICT-11 is not in Information Technology's plan for March 2025")
    assert at.selectbox(key="action").value != "ICT-11"
    at.selectbox(key="action").set_value("ICT-01").run()  # chosen again: no note
    assert not [i for i in at.info if "is not in" in i.value]
    # a shared link to the action at a month before it
    at = app(reads_sample_db, monkeypatch, "department", query={
        "period": "March 2025", "department": "Information Technology",
        "action": "ICT-11 · Decommission the legacy file servers after migration"})
    assert [i.value.replace("\\", "")[:20] for i in at.info if "is not in" in i.value] == [
        "Action ICT-11 is not"]


def test_a_rejected_file_for_a_month_without_reports_shows_on_submissions(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the sample runs to June 2025; Finance's first July file is rejected: July has no figures,
    # so it is not in the Period list, and Submissions says where the file is
    con = db.connect(db_path)
    [o] = load_file(con, finance_july_bad(), "Finance_2025-07.xlsx", user=CLI)
    assert o.status == "rejected"
    con.close()
    at = app(db_path, monkeypatch, "submissions")
    assert not at.exception
    [warning] = [w.value for w in at.warning if "no report is accepted yet" in w.value]
    assert warning.startswith("1 file came for July 2025, for which no report is accepted yet")
    assert warning.endswith("Finance (1).")
    ahead = next(df.value for df in at.dataframe if "file_name" in df.value.columns
                 and "2025-07" in set(df.value["period"].astype(str)))
    assert ahead[["department", "file_name", "status", "error_count"]].values.tolist() == [
        ["Finance", "Finance_2025-07.xlsx", "rejected", 4]]  # the repeated ID: both rows


def test_submissions_show_the_missing_report(db_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "submissions")
    at.selectbox(key="period").set_value("2025-04").run()
    assert not at.exception
    tiles = metric_values(at)
    # Legal and Compliance did not report for April: 6 of 7 → 85.7%
    assert tiles["Submission rate"] == "85.7%"
    assert tiles["Missing"] == "1"
    quality = next(df.value for df in at.dataframe if "stale_actions" in df.value.columns)
    states = dict(zip(quality["department"], quality["state"], strict=True))
    assert states["Legal and Compliance"] == "missing"
    # HR 2.1 is stale in April (30% in Feb, Mar and Apr); Legal and Compliance, with no report,
    # has no count at all ("—"), not 0
    stale = dict(zip(quality["department"], quality["stale_actions"], strict=True))
    assert stale["Human Resources"] == 1 and stale["Finance"] == 0
    assert pd.isna(stale["Legal and Compliance"])


def test_submissions_for_a_quarter_agree_with_overview(db_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Finance alone reports July 2025: Q3's figures are July's on every page (its latest month
    # with reports), not September's, which nobody has reached: 1 of 7 departments → 14.3%
    con = db.connect(db_path)
    [o] = load_file(con, finance_july(), "Finance_2025-07.xlsx", user=CLI)
    assert o.status == "accepted"
    con.close()
    rates = {}
    for page in ("submissions", "overview"):
        at = app(db_path, monkeypatch, page, query={"view": "Quarter", "period": "Q3 2025"})
        assert not at.exception
        rates[page] = metric_values(at)["Submission rate"]
    assert rates == {"submissions": "14.3%", "overview": "14.3%"}
    at = app(db_path, monkeypatch, "submissions", query={"view": "Quarter", "period": "Q3 2025"})
    tiles = metric_values(at)
    # Finance's July report came in now, long after 7 Aug 2025: late; the six others missing
    assert (tiles["Late"], tiles["Missing"], tiles["On-time submission"]) == ("1", "6", "0.0%")
    assert any(c.value.startswith("The figures and the quality table are for July 2025, the "
                                  "quarter's latest month with reports") for c in at.caption)
    quality = next(df.value for df in at.dataframe if "stale_actions" in df.value.columns)
    states = dict(zip(quality["department"], quality["state"], strict=True))
    assert len(states) == 7 and states.pop("Finance") == "late"
    assert set(states.values()) == {"missing"}
    # every file received in the quarter, with the month it is for and when it was submitted
    files = next(df for df in at.dataframe if "uploaded_at" in df.value.columns)
    assert list(files.value.columns)[:6] == ["department", "period", "file_name", "status",
                                            "is_current", "submitted_at"]
    assert files.value["period"].tolist() == ["2025-07"]
    # shown as a date and time, as Uploaded is, not a raw timestamp cut off by the column
    shown = json.loads(files.proto.columns)
    assert shown["submitted_at"]["label"] == "Submitted at"
    assert shown["submitted_at"]["type_config"]["format"] == "D MMM YYYY, HH:mm"


def test_explore_downloads_exactly_the_filtered_rows(db_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "explore")
    at.multiselect(key="dept").set_value(["Finance"]).run()
    at.multiselect(key="status").set_value(["Completed"]).run()
    assert not at.exception
    shown = at.dataframe[0].value
    # Finance June: 7 Completed
    assert len(shown) == 7
    csv = pd.read_csv(io.BytesIO(downloads.named(".csv")), encoding="utf-8-sig")
    assert len(csv) == 7
    # headed as the table on screen (presentation.labels): status is "Reported status", and so on
    assert set(csv["Reported status"]) == {"Completed"}
    assert set(csv["Action ID"]) == set(shown["action_id"])
    # every reported field and every per-action figure, not only the columns shown
    for column in ("Comments", "Risk", "Mitigation", "Slip (days)", "Computed RAG", "Row"):
        assert column in csv.columns
    xlsx = load_workbook(io.BytesIO(downloads.named(".xlsx")))
    assert xlsx["Actions"].max_row == 8  # header + 7


def test_explore_says_which_department_chosen_has_no_report_for_the_month(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the sample's Legal and Compliance did not report April 2025: chosen beside Finance, it adds
    # no rows, which the page and the download's Filters sheet say (it was left to be guessed)
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "explore", query={"period": "April 2025",
                                                     "dept": ["Finance", "Legal and Compliance"]})
    assert not at.exception
    assert set(at.dataframe[0].value["department"]) == {"Finance"}
    shown = texts(at)
    assert "Provisional: 1 of 2 departments reported April 2025" in shown
    assert "Not reported: Legal and Compliance, which has reported later months" in shown
    notes = dict(load_workbook(io.BytesIO(downloads.named(".xlsx")))["Filters"].iter_rows(
        values_only=True))
    assert notes["No report for the month (no rows)"] == "Legal and Compliance"


def test_exports_neutralise_formula_looking_text(db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    [outcome] = load_file(con, finance_july(), "Finance_2025-07.xlsx")
    con.close()
    assert outcome.status == "accepted"
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "explore")
    at.selectbox(key="period").set_value("2025-07").run()
    assert not at.exception
    csv = pd.read_csv(io.BytesIO(downloads.named(".csv")), encoding="utf-8-sig")
    comments = dict(zip(csv["Action ID"], csv["Comments"], strict=True))  # the table's headers
    assert comments["FIN-04"] == "'=HYPERLINK(\"http://example.com\",\"click\")"
    assert comments["FIN-05"] == "'+27 11 555 0100"
    assert comments["FIN-07"] == "'-5% variance"
    assert comments["FIN-03"] == "On track"
    sheet = load_workbook(io.BytesIO(downloads.named(".xlsx")))["Actions"]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("Comments")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://example.com\",\"click\")" in cells
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in cells if v is not None)


def test_bad_upload_lists_every_cell_and_stores_nothing(db_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    assert not at.exception
    assert metric_values(at)["Errors"] == "4"
    problems = _problems(at)
    errors = problems[problems["severity"] == "error"]
    assert sorted(errors["cell"]) == ["A6", "A7", "I5", "J6"]
    assert "Fix these cells and upload again" in texts(at)
    assert not [b for b in at.button if b.key == "commit"]
    # the annotated workbook marks the bad cells
    marked = load_workbook(io.BytesIO(downloads.named("-problems.xlsx")))
    assert marked["Actions"]["I5"].comment is not None
    assert "2025-07" not in _periods(db_path)


def test_the_problems_table_lists_the_errors_first(db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # finance_july_bad: errors at I5, J6, A6 and A7; FIN-04's overspend (G6) a warning, and
    # Finance's open actions the report leaves out warnings without a row (the file's own: first)
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    [element] = [df for df in at.dataframe if "cell" in df.value.columns]
    problems = element.value
    severities = problems["severity"].tolist()
    assert severities == sorted(severities)  # "error" < "warning": every error above every warning
    assert problems[problems["severity"] == "error"]["cell"].tolist() == ["I5", "A6", "J6", "A7"]
    rows = problems[problems["severity"] == "warning"]["row"].fillna(0).tolist()
    assert rows == [0, 0, 6]  # the warnings in row order
    # the Severity column is wide enough for "warning" on one line
    assert json.loads(element.proto.columns)["severity"]["width"] == 100


def test_a_header_without_rows_keeps_the_department_its_metadata_names(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(reads_sample_db, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(("empty.xlsx", workbook(
        [["Department", "Human Resources"], ["Reporting period", "March 2025"], [], HEADER]),
        XLSX)).run()
    assert not at.exception
    assert "Detected: Human Resources · March 2025" in texts(at)
    assert [s.value for s in at.selectbox if str(s.key).startswith("dept-")] == ["Human Resources"]
    assert "Choose the department" not in texts(at)  # only the problem with the file itself
    assert metric_values(at)["Errors"] == "1"
    problems = _problems(at)
    assert problems["message"].str.startswith(
        "There are no action rows under the header (row 4)").tolist() == [True]


def test_load_valid_rows_only_is_an_explicit_choice(db_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july_bad(), XLSX)).run()
    skip = next(c for c in at.checkbox if str(c.key).startswith("skip-"))
    skip.check().run()
    # rows 5, 6 and 7 all have errors → every row would be left out, so nothing can load
    assert metric_values(at)["Rows left out"] == "3"
    assert not [b for b in at.button if b.key == "commit"]


def test_load_valid_rows_only_is_offered_when_the_period_is_chosen_on_the_page(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the file names no period (no metadata cell, no date in its name): read alone it has the
    # file-wide "period is unknown" error; with July 2025 chosen, only its three row errors
    wb = load_workbook(io.BytesIO(finance_july_bad()))
    wb["Actions"]["B2"] = None
    out = io.BytesIO()
    wb.save(out)
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(("finance.xlsx", out.getvalue(), XLSX)).run()
    assert not [c for c in at.checkbox if str(c.key).startswith("skip-")]
    [period] = [t for t in at.text_input if t.label == "Reporting period"]
    period.set_value("2025-07").run()
    assert not at.exception
    [skip] = [c for c in at.checkbox if str(c.key).startswith("skip-")]
    assert skip.label == "Load valid rows only: leave out the 3 rows with errors"
    skip.check().run()
    assert metric_values(at)["Rows left out"] == "3"


def test_good_upload_commits_on_confirmation_and_shows_on_overview(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july(), XLSX)).run()
    assert not at.exception
    assert at.selectbox(key=next(s.key for s in at.selectbox
                                 if str(s.key).startswith("dept-"))).value == "Finance"
    changes = next(df.value for df in at.dataframe if "change" in df.value.columns)
    # the 7 completed actions the report leaves out stay in the plan: no change, not "dropped"
    assert not {"dropped action", "not reported (carried forward)"} & set(changes["change"])
    assert "2025-07" not in _periods(db_path)  # nothing stored before the commit
    at.button(key="commit").click().run()
    assert not at.exception
    assert "Finance, July 2025: 4 actions stored" in texts(at)
    assert "already the report in force" in texts(at)
    at.switch_page(PAGES["overview"]).run()
    at.selectbox(key="period").set_value("2025-07").run()
    # only Finance reported for July: 4 rows (FIN-03 and FIN-04 Completed) and June's 7 Completed
    # actions carried over → 11 actions, 9 Completed → 81.8%
    assert metric_values(at)["Completion"] == "81.8%"
    assert "2025-07" in _periods(db_path)


def _problems(at: AppTest) -> pd.DataFrame:
    """The Upload page's table of problems, as shown."""
    return next(df.value for df in at.dataframe if "cell" in df.value.columns)


def _uploaded(db_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> AppTest:
    """The Upload page with Finance's July report chosen under the file name `name`."""
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value((name, finance_july(), XLSX)).run()
    assert not at.exception
    return at


def _warning_messages(at: AppTest) -> list[str]:
    problems = _problems(at)
    return problems[problems["severity"] == "warning"]["message"].tolist()


def test_upload_warns_when_the_file_name_names_another_month_or_department(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # July's report copied, renamed for August, its Reporting period cell left at July: the page
    # fills its boxes with what the file says, and says what the command line says
    said = ("The file name says '2025-08', but the report is loaded for July 2025, as its "
            "Reporting period cell says: check that this is the right file.")
    at = _uploaded(reads_sample_db, monkeypatch, "Finance_2025-08.xlsx")
    assert "Detected: Finance · July 2025" in texts(at)
    assert said in _warning_messages(at)
    assert "No errors and no warnings." not in texts(at)
    [period] = [t for t in at.text_input if t.label == "Reporting period"]
    period.set_value("2025-08").run()  # chosen on purpose: the cell is what is overruled
    assert ("The report's Reporting period cell says 'July 2025', but the report is loaded for "
            "August 2025, as chosen: check that this is the right file.") in _warning_messages(at)
    assert said not in _warning_messages(at)
    period.set_value("July 2025").run()  # back to the cell's month, typed in words
    assert said in _warning_messages(at)


def test_upload_warns_when_the_file_name_names_another_department(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = ("The file name says 'Human Resources', but the report is loaded for Finance, as its "
            "Department cell says: check that this is the right file.")
    at = _uploaded(reads_sample_db, monkeypatch, "Human Resources_2025-07.xlsx")
    [department] = [s for s in at.selectbox if str(s.key).startswith("dept-")]
    assert department.value == "Finance"
    assert said in _warning_messages(at)
    department.set_value("Human Resources").run()
    assert ("The report's Department cell says 'Finance', but the report is loaded for Human "
            "Resources, as chosen: check that this is the right file.") in _warning_messages(at)
    assert said not in _warning_messages(at)


def test_a_file_of_many_bad_rows_gets_its_problems_listed_and_the_skip_choice(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 4,800 rows of 7 bad cells stuck the page for over 10 minutes (each error compared with
    # each); 200,000 problems passed pandas' Styler limit and crashed it: the page lists the
    # first PROBLEMS_SHOWN, and the workbook every one
    import dashboard.uploads as uploads

    monkeypatch.setattr(uploads, "PROBLEMS_SHOWN", 1000)
    bad = ["F-{}", "Pay suppliers within thirty days", "SO1", "Thandi", -5, -5, "31/02/2025",
           "31/01/2025", "Nearly", 140, "32/01/2025", None]
    rows = [[c.format(n) if isinstance(c, str) and "{}" in c else c for c in bad]
            for n in range(1, 1201)]
    data = report(rows, department="Finance", period="July 2025")
    at = app(reads_sample_db, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(("Finance_2025-07.xlsx", data, XLSX)).run()
    assert not at.exception
    # 6 errors a row (two negative budgets, two impossible dates, an unknown status, 140%)
    assert any("7,200 errors found" in e.value for e in at.error)
    tiles = metric_values(at)  # with the thousands apart, as every other tile
    assert (tiles["Action rows read"], tiles["Errors"]) == ("1 200", "7 200")
    assert ("The first 1,000 of 7,204 problems (the errors first): the workbook below lists "
            "every one.") in texts(at)  # and 4 warnings
    problems = _problems(at)
    assert len(problems) == 1000 and set(problems["severity"]) == {"error"}
    [skip] = [c for c in at.checkbox if str(c.key).startswith("skip-")]
    assert skip.label == "Load valid rows only: leave out the 1,200 rows with errors"


def test_a_file_that_cannot_be_read_is_said_once_without_asking_its_period(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a second red box asked for the reporting period, as if that were what was wrong
    at = app(reads_sample_db, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.csv", b"Action ID,Action\nF-1,Pay\x00 suppliers\n", "text/csv")).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "1 error found" in errors[0], errors
    problems = _problems(at)
    [message] = problems["message"].tolist()
    assert "NUL" in message
    # its rows were never read: not "0 rows", which a 10,000-row CSV over the limit said
    tiles = metric_values(at)
    assert (tiles["Action rows read"], tiles["Rows left out"], tiles["Errors"]) == ("—", "—", "1")
    assert not [t for t in at.text_input if t.label == "Reporting period"]
    assert "The list of problems" in [b.label for b in at.get("download_button")]


def test_upload_through_a_saved_mapping(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mapping = mapping_from_dict({
        "columns": {"action_id": "Project Code", "action": "Project Title", "status": "RAG",
                    "percent_complete": "Done so far"},
        "values": {"status": {"Green": "In progress", "Red": "Delayed", "Blue": "Completed"}},
    }, "tracker")
    con = db.connect(db_path)
    mappings_store.save_mapping(con, CLI, "tracker", mapping)
    con.close()
    data = workbook([
        ["Project Code", "Project Title", "RAG", "Done so far"],
        ["P-1", "Build the new regional service centre", "Green", 40],
        ["P-2", "Retire the legacy switchboard", "Blue", 100],
    ], sheet="Tracker")
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(("Operations_2025-07.xlsx", data, XLSX)).run()
    assert metric_values(at)["Errors"] != "0"  # read with the synonyms, the headers are unknown
    how = next(s for s in at.selectbox if str(s.key).startswith("how-"))
    how.set_value("tracker").run()
    assert not at.exception
    assert metric_values(at)["Errors"] == "0"
    at.button(key="commit").click().run()
    assert "Operations, July 2025: 2 actions stored" in texts(at)


def test_template_for_the_next_period_holds_the_open_actions(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = app(db_path, monkeypatch, "upload")
    assert at.selectbox(key="template_period").value == "2025-07"
    book = load_workbook(io.BytesIO(downloads.named("Finance_2025-07.xlsx")))
    rows = [r for r in book["Actions"].iter_rows(min_row=7) if r[0].value]
    # Finance June: 11 actions, 7 Completed → the 4 open ones to update; the 7 completed earlier
    # on their own sheet, to read (the whole plan)
    assert [r[0].value for r in rows] == ["FIN-03", "FIN-04", "FIN-05", "FIN-07"]
    assert rows[0][0].protection.locked and not rows[0][1].protection.locked
    done = [r[0].value for r in book["Completed earlier"].iter_rows(min_row=5) if r[0].value]
    assert len(done) == 7 and book["Completed earlier"].protection.sheet
    # (the caption is Markdown: the department's name in it escaped)
    assert any("open actions from its last report are filled in" in c.value for c in at.caption)
    # a month already reported: its template corrects that report, and the page says so
    at.selectbox(key="template_period").set_value("2025-06").run()
    assert not at.exception
    assert any("report for June 2025 is filled in as it stands, to correct it" in c.value
               for c in at.caption)


def test_after_a_commit_the_template_offered_is_the_next_months(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # it kept offering the month just reported: a head who clicked Template to start August got
    # July's correction file
    at = app(db_path, monkeypatch, "upload")
    assert at.selectbox(key="template_period").value == "2025-07"
    at.file_uploader(key="report_file").set_value(("Finance_2025-07.xlsx", finance_july(),
                                                   XLSX)).run()
    at.button(key="commit").click().run()
    assert not at.exception
    assert at.selectbox(key="template_dept").value == "Finance"
    assert at.selectbox(key="template_period").value == "2025-08"
    assert any("open actions from its last report are filled in" in c.value for c in at.caption)


def test_settings_save_a_threshold(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "settings")
    assert not at.exception
    at.number_input(key="setting-red_slip_days").set_value(45)
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    assert "Saved: Red slip days." in texts(at)
    con = db.connect(db_path)
    assert db.setting(con, "red_slip_days") == 45
    con.close()


def test_a_saved_mapping_is_deleted_only_from_its_confirmation(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    mappings_store.save_mapping(con, CLI, "tracker", mapping_from_dict(
        {"columns": {"action_id": "Project Code"}}, "tracker"))
    con.close()
    at = app(db_path, monkeypatch, "settings")
    assert not at.exception
    delete = at.button(key="delete-mapping-tracker")
    assert delete.label == "Delete it"  # inside the "Delete…" popover: a second, deliberate click
    at.number_input(key="setting-red_slip_days").set_value(45)
    at.button[0].click().run()  # another button on the page leaves the mapping be
    con = db.connect(db_path)
    assert mappings_store.list_mappings(con) == ["tracker"]
    con.close()
    at.button(key="delete-mapping-tracker").click().run()
    assert not at.exception
    assert "Mapping “tracker” deleted." in texts(at)
    con = db.connect(db_path)
    assert mappings_store.list_mappings(con) == []
    assert con.execute("SELECT outcome FROM audit_log WHERE action = 'mapping' "
                       "ORDER BY audit_id").fetchall()[-1] == ("deleted",)
    con.close()


def test_a_fresh_empty_database_gets_the_sample_data(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(tmp_path / "new.duckdb", monkeypatch)
    assert not at.exception
    assert metric_values(at)["Completion"] == "56.0%"  # 42/75, as in the Overview test


def test_without_sample_data_every_page_says_what_to_do(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_LOAD_SAMPLE_DATA", "false")
    path = tmp_path / "empty.duckdb"
    for page in PAGES:
        clear_caches()
        at = app(path, monkeypatch, page)
        assert not at.exception, page
        if page not in ("upload", "settings", "users", "audit", "notifications"):
            assert "No status reports are loaded yet" in texts(at), page
    # the demo's default role (admin) has no Upload page: the way to it is said
    assert ("on the **Upload** page (the M&E team's and department heads' page: in demo mode, act "
            "as one in the sidebar)") in " ".join(i.value for i in at.info)


def test_interactive_mapping_reads_a_foreign_workbook_and_is_saved_by_name(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = workbook([
        ["Quarterly tracker"], [],
        ["Project Code", "Project Title", "RAG", "Done so far"],
        ["P-1", "Build the new regional service centre", "Green", 40],
        ["P-2", "Retire the legacy switchboard", "Blue", 100],
    ], sheet="Tracker")
    key = hashlib.sha256(data).hexdigest()[:12]
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(("Operations_2025-07.xlsx", data, XLSX)).run()
    at.selectbox(key=f"how-{key}").set_value("A new mapping…").run()
    assert not at.exception
    # the header row is found (row 3); nothing maps yet, so it asks for the required columns
    assert at.number_input(key=f"map-{key}-header-Tracker").value == 3
    assert "Choose the header for action_id, action, status" in texts(at)
    columns = at.data_editor(key=f"map-{key}-columns-Tracker-3").value
    row = {c: i for i, c in enumerate(columns["column"])}
    at.session_state[f"map-{key}-columns-Tracker-3"] = {
        "edited_rows": {row["action_id"]: {"header": "Project Code"},
                        row["action"]: {"header": "Project Title"},
                        row["status"]: {"header": "RAG"},
                        row["percent_complete"]: {"header": "Done so far"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    values = at.data_editor(key=f"map-{key}-status-RAG").value
    index = {v: i for i, v in enumerate(values["value"])}
    at.session_state[f"map-{key}-status-RAG"] = {
        "edited_rows": {index["Green"]: {"status": "In progress"},
                        index["Blue"]: {"status": "Completed"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert metric_values(at)["Errors"] == "0"
    at.text_input(key=f"map-{key}-name").set_value("Quarterly tracker").run()
    at.button(key=f"map-{key}-save").click().run()
    assert "Saved as “Quarterly tracker”" in texts(at)
    con = db.connect(db_path)
    saved = mappings_store.get_mapping(con, "Quarterly tracker")
    con.close()
    assert saved is not None
    assert saved.columns["action_id"] == "Project Code"
    assert saved.header_row == 3
    assert saved.status("Blue") == "Completed"


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_in_the_quarter_view_with_filters(page: str, reads_sample_db: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(reads_sample_db, monkeypatch, page, query={
        "view": "Quarter", "period": "Q1 2025", "dept": ["Finance", "Operations"],
        "obj": ["SO3", "SO4"]})
    assert not at.exception, at.exception
    if page in ("upload", "settings", "users", "audit", "notifications"):
        return  # no sidebar filters there (issue 12 point 10)
    assert at.selectbox(key="period").value == "2025-Q1"
    assert at.multiselect(key="obj").value == ["SO3", "SO4"]


@pytest.mark.parametrize("page", ["overview", "alignment", "slippage", "department", "explore"])
def test_an_objective_without_actions_gives_an_empty_state(
        page: str, reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SO5 (revenue diversification) has no action in any department
    at = app(reads_sample_db, monkeypatch, page, query={"obj": "SO5"})
    assert not at.exception, at.exception
    assert "No action" in texts(at) or "no actions" in texts(at), texts(at)


def test_department_without_a_report_for_the_month(db_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "department", query={"period": "April 2025"})
    at.selectbox(key="department").set_value("Legal and Compliance").run()
    assert not at.exception
    # no filter is set: its report is what is missing (due on the 7th of May)
    [info] = [i.value for i in at.info]
    assert info == md("Legal and Compliance's report for April 2025 has not come in (it was due "
                      "by 7 May 2025).") + " See Submissions, or choose another period."


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload")
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", b"PK\x03\x04 this is not a workbook", XLSX)).run()
    assert not at.exception
    problems = next(df.value for df in at.dataframe if "message" in df.value.columns)
    assert "damaged" in problems["message"].iloc[0]
    assert not [b for b in at.button if b.key == "commit"]


def test_settings_upload_the_strategy_register(db_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "settings")
    assert "Register in force: version 1" in texts(at)
    bad = workbook([["objective_id", "objective"], ["SO1", "Something"]], sheet="Goals")
    at.file_uploader(key="register_file").set_value(("register.xlsx", bad, XLSX)).run()
    assert not at.exception
    problems = next(df.value for df in at.dataframe if "message" in df.value.columns)
    assert "no sheet named 'Objectives'" in problems["message"].iloc[0]
    assert "nothing was loaded" in texts(at)
    good = (Path(__file__).resolve().parents[2] / "sample_data" /
            "strategy_register.xlsx").read_bytes()
    at.file_uploader(key="register_file").set_value(("strategy_register.xlsx", good, XLSX)).run()
    assert "10 objectives and 7 departments read" in texts(at)
    at.button(key="load-register").click().run()
    assert not at.exception
    assert "Register version 2 is now in force." in texts(at)
    assert "Register in force: version 2" in texts(at)


def test_settings_a_register_that_renames_a_department(db_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    wb = load_workbook(Path(__file__).resolve().parents[2] / "sample_data" /
                                "strategy_register.xlsx")
    departments = wb["Departments"]
    departments["D1"] = "formerly"
    departments["A3"], departments["D3"] = "People and Culture", "Human Resources"
    renamed = io.BytesIO()
    wb.save(renamed)
    # an M&E officer's Explore on Human Resources, open while the register is loaded elsewhere
    held = app(db_path, monkeypatch, "explore", query={"period": "June 2025",
                                                       "dept": "Human Resources"})
    assert held.multiselect(key="dept").value == ["Human Resources"]
    at = app(db_path, monkeypatch, "settings")
    at.file_uploader(key="register_file").set_value(
        ("strategy_register.xlsx", renamed.getvalue(), XLSX)).run()
    assert not at.exception
    # the sample's Human Resources reported January to June 2025
    assert [i.value for i in at.info if "Renamed" in i.value] == [
        "**Renamed departments:** their history moves to the new name.\n\n- "
        + md("Human Resources becomes People and Culture: its 6 months of reports move with it")]
    at.button(key="load-register").click().run()
    assert [m.value for m in at.success][:2] == [
        "Register version 2 is now in force.",
        md("Human Resources becomes People and Culture: its 6 months of reports move with it") + "."]
    # its June report, under the new name, and no Human Resources left to choose
    at = app(db_path, monkeypatch, "department", query={"period": "June 2025"})
    options = at.selectbox(key="department").options
    assert "People and Culture" in options and "Human Resources" not in options
    at.selectbox(key="department").set_value("People and Culture").run()
    assert not at.exception
    assert not [i.value for i in at.info if "has not come in" in i.value]
    # a link from before the rename (a digest's, a bookmark) opens on the department's name now
    at = app(db_path, monkeypatch, "department",
             query={"period": "June 2025", "department": "Human Resources"})
    assert not at.exception
    assert at.selectbox(key="department").value == "People and Culture"
    assert "Human Resources is now called People and Culture." in [i.value for i in at.info]
    at = app(db_path, monkeypatch, "overview", query={"period": "June 2025",
                                                      "dept": "Human Resources"})
    assert not at.exception
    assert at.multiselect(key="dept").value == ["People and Culture"]
    assert "Human Resources is now called People and Culture." in [i.value for i in at.sidebar.info]
    assert "June 2025 · People and Culture" in texts(at)
    # the view held since shows the department by its name now, not the whole organisation
    held.run()
    assert held.multiselect(key="dept").value == ["People and Culture"]
    assert "Human Resources is now called People and Culture." in [
        i.value for i in held.sidebar.info]
    assert "June 2025 · People and Culture" in texts(held)
    # a link in other capitals, and one naming no department, say so
    at = app(db_path, monkeypatch, "overview", query={"period": "June 2025",
                                                      "dept": ["human resources", "Finanse"]})
    assert at.multiselect(key="dept").value == ["People and Culture"]
    assert [i.value for i in at.sidebar.info] == [
        "human resources is now called People and Culture.",
        "No department is called Finanse: it is left out of the view."]
    at = app(db_path, monkeypatch, "department",
             query={"period": "June 2025", "department": "finance"})
    assert at.selectbox(key="department").value == "Finance"
    assert not [w.value for w in at.warning if "No department" in w.value]
    # a demo link for a head of the former name acts as the head of the department now (it fell
    # back to the first department, Finance)
    at = app(db_path, monkeypatch, "upload", role="department_head",
             query={"demo_dept": "Human Resources"})
    assert not at.exception
    assert at.selectbox(key="demo_dept").value == "People and Culture"
    assert "Department head (People and Culture)" in texts(at)
    # a head's link naming no department starts on their own, as a head's view does
    at = app(db_path, monkeypatch, "overview", role="department_head",
             query={"demo_dept": "Finance", "dept": "Nowhere"})
    assert at.multiselect(key="dept").value == ["Finance"]
    assert "No department is called Nowhere: it is left out of the view." in [
        i.value for i in at.sidebar.info]


def _values(array: Any) -> list[Any]:
    """A Plotly array as sent: a list, or numbers packed as {"dtype", "bdata": base64}."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _rag_bars(at: AppTest) -> dict[str, dict[str, int]]:
    """The Overview's RAG-by-department chart as the browser receives it: RAG -> department ->
    actions."""
    [chart] = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    return {t["name"]: dict(zip(_values(t["y"]), _values(t["x"]), strict=True))
            for t in chart["data"]}


def test_shared_charts_follow_an_upload_and_the_filters(db_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A chart is built once per data version and filters and shared by every session
    (Data.figure): a new report, or another period, draws it anew."""
    con = db.connect(db_path)
    load_file(con, finance_july(), "Finance_2025-07.xlsx")
    at = app(db_path, monkeypatch, "overview")
    at.selectbox(key="period").set_value("2025-06").run()
    june = _rag_bars(at)
    assert set(june["Red"]) > {"Finance"}  # every department reported June
    at.selectbox(key="period").set_value("2025-07").run()
    july = _rag_bars(at)
    assert july != june
    # July: only Finance reported, 4 rows with FIN-03 and FIN-04 Completed, and June's 7 Completed
    # actions carried over: 11 actions, 9 Complete
    assert sum(july[rag]["Finance"] for rag in july) == 11 and july["Complete"]["Finance"] == 9
    # a correction: FIN-05 Completed too -> 3 Complete, in this session and in a new one
    [outcome] = load_file(con, finance_july(fin05_completed=True), "Finance_2025-07.xlsx")
    assert outcome.status == "accepted"
    con.close()
    at.run()
    assert _rag_bars(at)["Complete"]["Finance"] == 10
    other = app(db_path, monkeypatch, "overview")
    other.selectbox(key="period").set_value("2025-07").run()
    assert _rag_bars(other) == _rag_bars(at)


def test_shared_tables_follow_an_upload(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table is made once per data version and view and shared by every session
    (components.table with d= and inputs=: Explore's as Arrow, the league's through a kept
    Styler): a correction shows at once, in this session and in a new one."""
    con = db.connect(db_path)
    load_file(con, finance_july(), "Finance_2025-07.xlsx")

    def fin05(at: AppTest) -> str:
        [table] = [df.value for df in at.dataframe if "action_id" in df.value.columns]
        return str(table.set_index("action_id").loc["FIN-05", "status"])

    def finance_completion(at: AppTest) -> float:
        league = next(df.value for df in at.dataframe if "department_rag" in df.value.columns)
        return float(league.set_index("department").loc["Finance", "completion_rate"])

    explore = app(db_path, monkeypatch, "explore")
    explore.selectbox(key="period").set_value("2025-07").run()
    explore.multiselect(key="dept").set_value(["Finance"]).run()
    overview = app(db_path, monkeypatch, "overview")
    overview.selectbox(key="period").set_value("2025-07").run()
    assert fin05(explore) != "Completed"
    before = finance_completion(overview)
    # a correction: FIN-05 Completed
    [outcome] = load_file(con, finance_july(fin05_completed=True), "Finance_2025-07.xlsx")
    assert outcome.status == "accepted"
    con.close()
    explore.run()
    overview.run()
    assert fin05(explore) == "Completed"
    assert finance_completion(overview) > before
    other = app(db_path, monkeypatch, "explore")
    other.selectbox(key="period").set_value("2025-07").run()
    other.multiselect(key="dept").set_value(["Finance"]).run()
    assert fin05(other) == "Completed"


def test_after_a_correction_the_views_read_lately_are_worked_out_again_in_the_background(
        db_path: Path, monkeypatch: pytest.MonkeyPatch,
        kpi_changes_asked: list[tuple[str, str, tuple[str, ...]]]) -> None:
    """dashboard.data's replay: the first run to read a new data version starts the cached calls
    asked for before it again, in a thread of their own, so a view read lately is ready with the
    new figures when its reader comes back (setting replay_queries)."""
    from dashboard import data

    asked = kpi_changes_asked
    con = db.connect(db_path)
    load_file(con, finance_july(), "Finance_2025-07.xlsx")
    at = app(db_path, monkeypatch, "overview", query={"period": "July 2025", "dept": "Finance"})
    # July: 4 rows, FIN-03 and FIN-04 Completed, and June's 7 Completed actions carried over
    assert metric_values(at)["Completion"] == "81.8%"  # 9 of 11
    [outcome] = load_file(con, finance_july(fin05_completed=True), "Finance_2025-07.xlsx")
    assert outcome.status == "accepted"
    asked.clear()
    app(db_path, monkeypatch, "audit")  # someone else's run reads the new version first
    data.wait_for_replay(60)
    assert ("lekgotla-replay", "2025-07", ("Finance",)) in asked
    asked.clear()
    at.run()
    assert metric_values(at)["Completion"] == "90.9%"  # FIN-05 Completed too: 10 of 11
    assert asked == []  # the view was ready: its run asked for nothing again
    # two more corrections with no one on that view between them: the first still redoes it (read
    # since the change before), the second leaves it (not read since)
    for comment, redone in (("Revised", True), ("Revised again", False)):
        [outcome] = load_file(con, finance_july(comment, fin05_completed=True),
                              "Finance_2025-07.xlsx")
        assert outcome.status == "accepted"
        asked.clear()
        app(db_path, monkeypatch, "audit")
        data.wait_for_replay(60)
        assert (("lekgotla-replay", "2025-07", ("Finance",)) in asked) is redone
    con.close()


def test_a_change_made_elsewhere_is_worked_out_again_before_anyone_comes_back(
        db_path: Path, monkeypatch: pytest.MonkeyPatch,
        kpi_changes_asked: list[tuple[str, str, tuple[str, ...]]]) -> None:
    """dashboard.data.Watch: between page runs the process reads the data version, so a change
    made by another process (another instance on the shared store, a bulk load) starts the
    replay with nobody on the dashboard."""
    from dashboard import data

    monkeypatch.setattr(data, "WATCH_S", 0.05)
    asked = kpi_changes_asked
    con = db.connect(db_path)
    load_file(con, finance_july(), "Finance_2025-07.xlsx")
    at = app(db_path, monkeypatch, "overview", query={"period": "July 2025", "dept": "Finance"})
    assert metric_values(at)["Completion"] == "81.8%"  # 9 of 11
    seen = data._replay["seen"]
    load_file(con, finance_july(fin05_completed=True), "Finance_2025-07.xlsx")
    con.close()
    asked.clear()
    for _ in range(400):  # no page runs meanwhile: the watch notices
        if data._replay["seen"] != seen:
            break
        time.sleep(0.05)
    data.wait_for_replay(60)
    assert ("lekgotla-replay", "2025-07", ("Finance",)) in asked
    asked.clear()
    at.run()
    assert metric_values(at)["Completion"] == "90.9%"  # 10 of 11
    assert asked == []


def test_default_period_is_the_latest_month_most_departments_reported(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    load_file(con, finance_july(), "Finance_2025-07.xlsx")
    con.close()
    at = app(db_path, monkeypatch)
    # July has 1 of 7 departments reported: leadership opens on June, which all 7 reported
    assert at.selectbox(key="period").value == "2025-06"
    assert metric_values(at)["Completion"] == "56.0%"  # June's 42/75, as in the Overview test
    assert "July 2025" in at.selectbox(key="period").options  # still there to choose
    at.button_group(key="view").set_value("Quarter").run()
    assert at.selectbox(key="period").value == "2025-Q2"  # June's quarter


def test_overview_with_one_department_says_what_changed_in_it(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(reads_sample_db, monkeypatch, "overview", query={"period": "June 2025",
                                                              "dept": "Finance"})
    assert not at.exception
    words = texts(at)
    # Finance's own changes: none of another department's (Legal and Compliance's May was late)
    assert "What changed since May 2025" in words and "Legal and Compliance" not in words
    at = app(reads_sample_db, monkeypatch, "overview", query={
        "period": "June 2025", "dept": ["Finance", "Operations"]})
    assert "The whole organisation's changes: choose one department to see its own." in texts(at)


def test_alignment_with_an_objective_filter_speaks_of_the_chosen_objectives(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(reads_sample_db, monkeypatch, "alignment", query={"period": "June 2025",
                                                               "obj": "SO1"})
    assert not at.exception
    assert [s.value for s in at.success if "at least one action" in s.value] == [
        "Every objective chosen in the sidebar has at least one action in scope."]


def test_explore_says_how_many_of_its_rows_are_cancelled(
        reads_sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(reads_sample_db, monkeypatch, "explore", query={"period": "March 2025"})
    assert not at.exception
    shown = at.dataframe[0].value
    cancelled = int((shown["status"] == "Cancelled").sum())
    assert cancelled == 1
    assert (f"**{len(shown)} actions** in 7 departments, 1 of them Cancelled (listed here, "
            "counted in no KPI).") in texts(at)


def test_a_quarters_league_names_the_month_of_each_departments_figures(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # tests/support/digest_quarter.py: in Q1 2026 Finance last reported March, Operations
    # February (it missed March): each row says whose month its figures are
    from digest_quarter import build_file

    at = app(build_file(tmp_path), monkeypatch, "overview")
    at.button_group(key="view").set_value("Quarter").run()
    at.selectbox(key="period").set_value("2026-Q1").run()
    assert not at.exception
    league = next(df.value for df in at.dataframe if "department_rag" in df.value.columns)
    assert league.set_index("department")["report_of"].to_dict() == {
        "Finance": "March 2026", "Operations": "February 2026"}
    cards = "".join(h.proto.body for h in at.get("html"))
    assert "<dt>Report of</dt><dd>February 2026</dd>" in cards  # the phone's cards say it too
    # a month's league has one month for all: no column for it
    at.button_group(key="view").set_value("Month").run()
    at.selectbox(key="period").set_value("2026-02").run()
    league = next(df.value for df in at.dataframe if "department_rag" in df.value.columns)
    assert "report_of" not in league.columns


def test_slippage_lines_leave_out_departments_that_never_reported() -> None:
    # Legal never reported: no value in any month, so no line and no legend entry; Operations
    # missed March only: its line has a gap, and it stays in the legend
    from presentation import charts

    trend = pd.DataFrame({
        "department": ["Finance", "Finance", "Legal", "Legal", "Operations", "Operations"],
        "period": ["2026-02", "2026-03"] * 3,
        "slipped_count": pd.array([0, 1, None, None, 2, None], dtype="Int64")})
    fig = charts.department_lines(trend, "slipped_count", "actions", "")
    assert [t.name for t in fig.data] == ["Finance", "Operations"]
    # counts of actions at most 2: ticks a whole action apart (Plotly drew 0.5 steps)
    assert (fig.layout.yaxis.dtick, fig.layout.yaxis.tickformat) == (1, ",d")
