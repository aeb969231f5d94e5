"""Issue 12 points 2-4 and the sidebar of point 10, through AppTest on the sample data: a month not
every department has reported says so and the league names who is missing; switching to Quarter
keeps the chosen month's quarter; a department head starts on their own Department page, and is
sent there after a commit; a league row (or a bar) leads to the Department page, whose action
table and Slippage's late table give the department's own reasons. Numbers worked by hand from
sample_data/README.md (Legal and Compliance did not report April 2025)."""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd
import pytest
from dashboard_helpers import (
    PAGES,
    app,
    finance_july,
    metric_values,
    texts,
)

from dashboard import filters
from ingest import db
from ingest.access import CLI
from ingest.load import load_file
from ingest.users import save_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEVEN = ["Finance", "Human Resources", "Information Technology", "Legal and Compliance",
         "Marketing and Communications", "Operations", "Strategy and Planning"]
HEAD = "nomvula.dlamini@lekgotla.example"  # Finance's head in the register


@pytest.fixture
def july_db(db_path: Path) -> Path:
    """The sample data and Finance's July 2025 report: a month 1 of the 7 departments reported."""
    con = db.connect(db_path)
    load_file(con, finance_july(), "Finance_2025-07.xlsx")
    con.close()
    return db_path


def _league(at) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if df.key == "league")


# --- point 2: a provisional month --------------------------------------------------------------

def test_a_month_one_department_missed_is_provisional_and_the_league_names_it(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, query={"period": "April 2025"})
    assert not at.exception
    # April 2025: the register expects 7 departments; Legal and Compliance did not submit
    # (sample_data/README.md) → 6 of 7
    assert "Provisional: 6 of 7 departments reported April 2025" in texts(at)
    # it has reported May and June since: its April report is overdue, not yet to come
    assert ("Not reported: Legal and Compliance, which has reported later months. The figures "
            "will change if its report comes in late") in texts(at)
    assert "Not yet reported" not in texts(at)
    league = _league(at)
    assert len(league) == 7  # before: 6, the department without a report was dropped
    last = league.iloc[-1]
    assert last["department"] == "Legal and Compliance"
    assert last["department_rag"] == "Not reported"
    assert pd.isna(last["rank"]) and pd.isna(last["actions"])  # blank, not 0
    assert list(league["rank"].iloc[:6]) == [1, 2, 3, 4, 5, 6]
    # the same banner on the other pages of organisation KPIs
    for page in ("slippage", "alignment"):
        at.switch_page(PAGES[page]).run()
        assert not at.exception
        assert "Provisional: 6 of 7 departments reported April 2025" in texts(at), page


def test_the_month_after_a_provisional_one_compares_the_same_departments(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # May 2025: all 7 reported, April without Legal and Compliance. The tile stays May's own
    # (33 Completed of 75 = 44.0%), its change compares the 6 that reported both: May 30 of 65
    # (Legal's 3 of 10 left out), April 24 of 62: 0.4615 - 0.3871 = +7.4 pp (the exact change:
    # the tile shows neither figure), not a jump from April's six to May's seven
    at = app(db_path, monkeypatch, query={"period": "May 2025"})
    assert not at.exception
    tiles = {m.label: m for m in at.metric}
    assert tiles["Completion"].value == "44.0%"
    assert tiles["Completion"].proto.delta == "+7.4 pp"
    assert tiles["Completion"].proto.delta_description == "vs Apr, same 6 depts"
    # which six, and who is left out, in the tile's help (escaped: report text is Markdown there)
    assert tiles["Completion"].proto.help.replace("\\", "").endswith(
        "The change compares Finance, Human Resources, Information Technology, Marketing and "
        "Communications, Operations and Strategy and Planning, which reported both April 2025 "
        "and May 2025; left out of it: Legal and Compliance (no report for April 2025).")
    # who reported: every department both months (6 of 7 in April, 7 of 7 in May)
    assert tiles["Submission rate"].proto.delta_description == "vs Apr"
    assert tiles["Submission rate"].proto.delta == "+14.3 pp"
    assert "Provisional" not in texts(at)
    # May is complete: no sparkline's last stretch is dashed
    assert not any("stroke-dasharray" in base64.b64decode(m.value.split("base64,")[1].split('"')[0]).decode()
                   for m in at.markdown if "data:image/svg+xml" in m.value)


def test_a_month_every_department_reported_has_no_banner(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch)  # June 2025: all 7 reported
    assert "Provisional" not in texts(at)
    league = _league(at)
    assert sorted(league["department"]) == SEVEN
    assert "Not yet reported" not in set(league["department_rag"])


def test_july_with_finance_alone(july_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(july_db, monkeypatch)
    assert at.selectbox(key="period").value == "2025-06"  # the settled month opens
    assert "Provisional" not in texts(at)
    at.selectbox(key="period").set_value("2025-07").run()
    # July: Finance alone of the 7 → 1 of 7; the six others listed as not yet reported
    assert "Provisional: 1 of 7 departments reported July 2025" in texts(at)
    assert ("Not yet reported (due by 7 Aug 2025): Human Resources, Information Technology, Legal and Compliance, "
            "Marketing and Communications, Operations, Strategy and Planning. The figures will "
            "change as their reports arrive") in texts(at)
    # a change compares Finance with its own June (the submission rate: every department)
    said = {m.label: m.proto.delta_description for m in at.metric}
    assert said["Completion"] == "vs Jun, same 1 dept" and said["Submission rate"] == "vs Jun"
    # so the sparkline's line to July (Finance alone) is dashed; the submission rate's is not
    sparks = {m.value.split('alt="')[1].split(" from ")[0]: m.value for m in at.markdown
              if "data:image/svg+xml" in m.value}
    svg = {k: base64.b64decode(v.split("base64,")[1].split('"')[0]).decode() for k, v in sparks.items()}
    assert "stroke-dasharray" in svg["Completion"] and "stroke-dasharray" not in svg["Submission rate"]
    assert "the last over the departments that reported it" in sparks["Completion"]
    league = _league(at)
    assert list(league["department"]) == SEVEN[:1] + SEVEN[1:]
    assert list(league["department_rag"].iloc[1:]) == ["Not yet reported"] * 6
    # Finance's row: 4 rows + 7 Completed carried from June = 11 actions (test_dashboard)
    assert league.iloc[0]["actions"] == 11
    # the Quarter holding July: its latest month with reports is July, still 1 of 7
    at.button_group(key="view").set_value("Quarter").run()
    assert at.selectbox(key="period").value == "2025-Q3"
    assert "Provisional: 1 of 7 departments reported July 2025" in texts(at)
    assert "(the latest month of Q3 2025 with reports)" in texts(at)


# --- point 2: the Quarter keeps the month's quarter ---------------------------------------------

def test_switching_to_quarter_keeps_the_chosen_months_quarter(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch)
    at.selectbox(key="period").set_value("2025-02").run()
    at.button_group(key="view").set_value("Quarter").run()
    assert not at.exception
    # before: the period reset to the default quarter, Q2 2025 (June's)
    assert at.selectbox(key="period").value == "2025-Q1"
    # Q1 → March: 26.6% (17/64, worked in test_dashboard's quarter test)
    assert metric_values(at)["Completion"] == "26.6%"
    at.button_group(key="view").set_value("Month").run()
    assert at.selectbox(key="period").value == "2025-02"  # back on the month chosen
    # a quarter chosen in Quarter view: back in Month view, its last month with data
    at.button_group(key="view").set_value("Quarter").run()
    at.selectbox(key="period").set_value("2025-Q2").run()
    at.button_group(key="view").set_value("Month").run()
    assert at.selectbox(key="period").value == "2025-06"


@pytest.mark.parametrize(("query", "chosen"), [
    ({"period": "2025-05"}, "2025-05"), ({"period": "May 2025"}, "2025-05"),
    ({"view": "Quarter", "period": "2025-Q1"}, "2025-Q1"),
    ({"view": "Quarter", "period": "Q1 2025"}, "2025-Q1"),
    ({"period": "abc"}, "2025-06")])  # not a period with data: the latest settled month
def test_an_address_names_the_period_by_its_key_or_its_words(
        db_path: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, str], chosen: str) -> None:
    at = app(db_path, monkeypatch, query=query)
    assert not at.exception
    assert at.selectbox(key="period").value == chosen
    # only a period the address names without reports is said to be replaced
    said = [w.value for w in at.sidebar.warning]
    assert said == (["No reports for abc: showing June 2025."] if query["period"] == "abc" else [])
    if query.get("view") == "Quarter":
        return
    at.button_group[0].set_value("Quarter").run()  # the view switched: no false alarm
    assert at.selectbox(key="period").value == "2025-Q2" and not at.sidebar.warning


def test_a_period_whose_reports_are_gone_since_is_said_and_replaced(
        july_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # July chosen, then its reports gone from under the open page (a backup of June restored on
    # the shared store while in use): the select went blank, the page showed June without a word
    at = app(july_db, monkeypatch, query={"period": "July 2025"})
    assert at.selectbox(key="period").value == "2025-07"
    con = db.connect(july_db)
    con.execute("DELETE FROM action_status WHERE period = '2025-07'")
    con.execute("DELETE FROM report_summary WHERE period = '2025-07'")
    con.execute("DELETE FROM uploads WHERE period = '2025-07'")
    db.bump_data_version(con)
    con.close()
    at.run()
    assert not at.exception
    assert [w.value for w in at.sidebar.warning] == [
        "No reports for July 2025 any more (a backup was restored, or its reports withdrawn): "
        "showing June 2025."]
    assert at.selectbox(key="period").value == "2025-06"
    assert at.query_params["period"] == "June 2025"
    at.run()  # said once
    assert not at.sidebar.warning and at.selectbox(key="period").value == "2025-06"


def test_switched_period() -> None:
    months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07"]
    assert filters.switched_period("2025-05", "Quarter", months, None) == "2025-Q2"
    assert filters.switched_period("2025-Q2", "Month", months, "2025-05") == "2025-05"
    assert filters.switched_period("2025-Q1", "Month", months, "2025-05") == "2025-03"
    assert filters.switched_period("2025-Q3", "Month", months, None) == "2025-07"
    assert filters.switched_period("2025-Q4", "Month", months, None) is None


# --- point 3: a department head's home ----------------------------------------------------------

def test_a_head_starts_on_their_department_page(db_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, role="department_head",
             query={"demo_dept": "Human Resources"})
    assert not at.exception
    assert at.title[0].value == "Department"  # before: Overview
    assert at.multiselect(key="dept").value == ["Human Resources"]
    assert at.selectbox(key="department").value == "Human Resources"
    # their next step is a click away
    assert [e.proto.label for e in at.get("page_link")] == ["Upload the next report for Human Resources"]
    # the Overview now shows their figures: HR June, 10 rows (6 Completed, sample_data/README.md)
    # + HR 3.1 carried Completed = 11 actions, 7 Completed → 63.6%
    at.switch_page(PAGES["overview"]).run()
    assert metric_values(at)["Completion"] == "63.6%"
    assert at.multiselect(key="dept").value == ["Human Resources"]


def test_a_signed_in_head_starts_on_their_department_page(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    save_user(con, CLI, HEAD, "department_head", "Nomvula Dlamini", ["Finance"])
    con.close()
    at = app(db_path, monkeypatch, user={"is_logged_in": True, "email": HEAD,
                                         "email_verified": True})
    assert not at.exception
    assert at.title[0].value == "Department"
    assert at.selectbox(key="department").value == "Finance"
    assert metric_values(at)["Completion"] == "63.6%"  # Finance June: 7 of 11


def test_a_head_who_reported_before_the_others_starts_on_their_own_latest_month(
        july_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Finance alone has reported July: the organisation opens on June (the settled month), and
    # Finance's head opened on June too, their July a sidebar change away
    at = app(july_db, monkeypatch, role="department_head", query={"demo_dept": "Finance"})
    assert not at.exception
    assert at.title[0].value == "Department"
    assert at.selectbox(key="period").value == "2025-07"
    # Finance July: 4 rows + 7 Completed carried from June = 11 actions, 9 Completed (FIN-03 and
    # FIN-05 completed in July; test_dashboard) → 81.8%
    assert metric_values(at)["Completion"] == "81.8%"
    hr = app(july_db, monkeypatch, role="department_head", query={"demo_dept": "Human Resources"})
    assert hr.selectbox(key="period").value == "2025-06"  # HR's latest is June
    lead = app(july_db, monkeypatch, role="leadership")
    assert lead.selectbox(key="period").value == "2025-06"  # the organisation's settled month


def test_others_still_start_on_the_overview(db_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for role in ("admin", "leadership", "me"):
        at = app(db_path, monkeypatch, role=role)
        assert at.title[0].value == "Overview", role
        assert at.multiselect(key="dept").value == [], role


def test_after_a_commit_the_link_goes_to_the_department_at_that_month(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "upload", role="department_head", query={"demo_dept": "Finance"})
    at.file_uploader(key="report_file").set_value(
        ("Finance_2025-07.xlsx", finance_july(), XLSX)).run()
    at.button(key="commit").click().run()
    assert not at.exception
    [link] = [e for e in at.get("page_link") if "Department page" in e.proto.label]
    assert link.proto.label == "See Finance, July 2025, on its Department page"
    assert link.proto.query_string == "department=Finance&period=July+2025"
    assert link.proto.page == "department"  # the same address for every role
    # following it, as the browser does: the address's parameters, then the page
    at.query_params["department"] = "Finance"
    at.query_params["period"] = "July 2025"
    at.switch_page(PAGES["department"]).run()
    assert not at.exception
    assert at.selectbox(key="period").value == "2025-07"
    assert at.selectbox(key="department").value == "Finance"
    # Finance July: 4 rows (2 Completed) + June's 7 Completed carried → 9 of 11 = 81.8%
    assert metric_values(at)["Completion"] == "81.8%"


# --- point 4: from who is behind to why ---------------------------------------------------------

def test_a_league_row_opens_the_department_page(db_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, query={"period": "April 2025"})
    league = _league(at)
    row = list(league["department"]).index("Operations")
    # a click on a row, as the browser sends it
    at.session_state["league"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.title[0].value == "Department"
    assert at.selectbox(key="department").value == "Operations"
    assert at.selectbox(key="period").value == "2025-04"  # the period kept
    # Operations April: 10 actions, 2 Completed → 20.0% (its league row)
    assert metric_values(at)["Completion"] == "20.0%"


def test_selection_handlers() -> None:
    frame = pd.DataFrame({"department": ["Finance", "R&D <unit>"]})
    assert filters.selected_row({"selection": {"rows": [1]}}, frame, "department") == "R&D <unit>"
    assert filters.selected_row({"selection": {"rows": []}}, frame, "department") is None
    assert filters.selected_row({"selection": {"rows": [5]}}, frame, "department") is None
    assert filters.selected_row(None, frame, "department") is None
    # a bar's label as Plotly drew it: escaped (presentation.markup.plotly) and read back
    bar = {"selection": {"points": [{"x": 3, "y": "R&amp;D &lt;unit&gt;", "curve_number": 0}]}}
    assert filters.clicked_label(bar, frame["department"]) == "R&D <unit>"
    assert filters.clicked_label({"selection": {"points": []}}, frame["department"]) is None
    assert filters.clicked_label({"selection": {"points": [{"y": "Nobody"}]}},
                                 frame["department"]) is None


def test_department_actions_show_the_reason_and_comment_beside_the_rag(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "department", query={"department": "Operations"})
    assert not at.exception
    table = next(df.value for df in at.dataframe if "reason_code" in df.value.columns
                 and "source_row" in df.value.columns and "period" not in df.value.columns)
    columns = list(table.columns)
    assert columns[columns.index("rag") + 1:columns.index("rag") + 3] == ["reason_code", "comments"]
    # Operations_2025-06.xlsx, OPS-11: Variance Reason "Blocked by resources", Notes "Recovery
    # plan to be tabled at the next lekgotla"
    row = table.set_index("action_id").loc["OPS-11"]
    assert row["reason_code"] == "Blocked by resources"
    assert row["comments"] == "Recovery plan to be tabled at the next lekgotla"


def test_slippage_gives_the_departments_reason_before_the_computed_one(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "slippage")
    assert not at.exception
    late = next(df.value for df in at.dataframe if "forecast_finish" in df.value.columns)
    columns = list(late.columns)
    # the reason beside the days late
    assert columns[columns.index("forecast_slip_days") + 1] == "reason"
    assert columns.index("forecast_slip_days") == columns.index("days_overdue") + 1
    # OPS-11 was due "Week 4 (April)" = 28 April 2025; at 30 June: 2 + 31 + 30 = 63 days overdue
    reason = late.set_index("action_id").loc["OPS-11", "reason"]
    assert reason.startswith("Blocked by resources: Recovery plan to be tabled at the next "
                             "lekgotla — overdue by 63 days")


# --- point 10: the filters only where they apply ------------------------------------------------

@pytest.mark.parametrize("page,role", [("upload", "me"), ("settings", "admin"),
                                       ("users", "admin"), ("audit", "admin")])
def test_no_filters_on_pages_they_do_not_affect(page: str, role: str, db_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, page, role=role)
    assert not at.exception
    keys = {w.key for w in (*at.sidebar.selectbox, *at.sidebar.multiselect)}
    assert not keys & {"period", "dept", "obj"}, keys
    assert "Filters" not in "".join(str(m.value) for m in at.sidebar.markdown)


def test_the_filters_survive_a_page_without_them(db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, role="me", query={"period": "March 2025", "dept": "Finance"})
    at.switch_page(PAGES["upload"]).run()
    at.switch_page(PAGES["overview"]).run()
    assert not at.exception
    assert at.selectbox(key="period").value == "2025-03"
    assert at.multiselect(key="dept").value == ["Finance"]
    assert metric_values(at)["Completion"] == "33.3%"  # Finance March: 3 of 9


def test_a_carried_action_says_so_beside_its_status(july_db: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Finance's July leaves its June actions out: they are carried, with June's status; the
    # marker sat last of 17 columns, off the screen of a phone and of most desktops
    at = app(july_db, monkeypatch, "department", query={"period": "July 2025",
                                                        "department": "Finance"})
    assert not at.exception
    table = at.dataframe[0].value  # the page's first table: its actions
    assert list(table.columns[:5]) == ["action_id", "action", "status", "carried_forward", "rag"]
    assert table["carried_forward"].astype(bool).any()
