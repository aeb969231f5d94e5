"""Issue 16 item 3: the Dependencies and Initiatives pages, the Department page's waiting
sections and Explore's dependency columns, on a small hand-built history
(tests/support/dependency_pages_history.py: a late chain IT-01 → HR-03 → FIN-05 across three
departments, and HR-04 waiting on IT-02 on time)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from dashboard_helpers import Downloads, app, copy_db, metric_values, texts, workbook
from dependency_pages_history import COLUMNS, HOSTILE, build
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

import metrics
from ingest import db
from ingest.load import load_file
from ingest.register import load_register

JUNE = {"period": "2025-06"}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("deps") / "deps.duckdb")


@pytest.fixture
def deps_db(history: Path, tmp_path: Path) -> Path:
    return copy_db(history, tmp_path)


def test_dependencies_page_reads_the_chain(deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(deps_db, monkeypatch, "dependencies", query=JUNE)
    assert not at.exception
    tiles = metric_values(at)
    # 5 actions at either end of 3 dependencies, all 3 across departments (IT→HR twice, HR→FIN);
    # 2 late (HR-03 on the overdue IT-01; FIN-05 on HR-03, forecast past FIN-05's due date):
    # 2/3 = 66.7%; blocked: HR-03 and FIN-05
    assert tiles == {"Actions with a dependency": "5", "Across departments": "3",
                     "Late across departments": "66.7%", "Blocked actions": "2"}
    chains = at.dataframe[0].value
    # one chain, from IT-01 through HR-03 to FIN-05: 3 actions in 3 departments
    assert chains["chain"].tolist() == ["IT IT-01 → HR HR-03 → Finance FIN-05"]
    assert chains[["actions", "departments"]].iloc[0].tolist() == [3, 3]
    blocked = at.dataframe[-1].value
    assert blocked["action_id"].tolist() == ["FIN-05", "HR-03"]  # the most days late first
    assert blocked["upstream_action_id"].tolist() == ["HR-03", "IT-01"]
    assert blocked["file_name"].tolist() == ["Finance_2025-06.xlsx", "Human Resources_2025-06.xlsx"]
    assert blocked["source_row"].tolist() == [5, 5]
    assert blocked["upstream_source_row"].tolist() == [5, 5]


def test_the_kpi_stays_the_organisations_when_an_objective_narrows_the_page(
        deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SO3 (FIN-05's) keeps one dependency on the page, HR-03 -> FIN-05; the KPI still counts
    # every objective's: 3 across departments, 2 late (as in the test above). The objectives
    # the sidebar offers are the register's.
    book = Workbook()
    book.active.title = "Objectives"
    book.active.append(["Objective ID", "Objective"])
    for code in ("SO2", "SO3", "SO5"):
        book.active.append([code, f"Objective {code}"])
    out = io.BytesIO()
    book.save(out)
    con = db.connect(deps_db)
    try:
        load_register(con, out.getvalue(), "register.xlsx")
    finally:
        con.close()
    at = app(deps_db, monkeypatch, "dependencies", query={**JUNE, "obj": ["SO3"]})
    assert not at.exception
    tiles = metric_values(at)
    assert tiles["Actions with a dependency"] == "2"
    assert tiles["Across departments"] == "3" and tiles["Late across departments"] == "66.7%"


def test_dependency_graph_escapes_report_text(deps_db: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(deps_db, monkeypatch, "dependencies", query=JUNE)
    [chart] = at.get("plotly_chart")
    spec = chart.proto.spec
    assert "<img src=x" not in spec and "&lt;img src=x onerror=alert(1)&gt;" in spec
    assert HOSTILE not in texts(at)


def test_initiative_filter(deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(deps_db, monkeypatch, "dependencies", query={**JUNE, "initiative": "INI-01"})
    assert not at.exception
    # INI-01's actions: IT-01, HR-03, FIN-05: the two late links, both across departments
    assert metric_values(at)["Across departments"] == "2"
    assert metric_values(at)["Late across departments"] == "100.0%"


def test_department_page_waiting_sections(deps_db: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(deps_db, monkeypatch, "department",
             query={**JUNE, "department": "Human Resources"})
    assert not at.exception
    words = texts(at)
    assert "Waiting on others" in words and "Others waiting on us" in words
    # HR-03 and HR-04 wait on IT; HR-03 is late (on the overdue IT-01), HR-04 is not: 2 of its
    # actions, 1 late... as metrics.dependencies.department_dependencies counts them
    waiting = next(t.value for t in at.dataframe if "upstream_action_id" in t.value.columns
                   and t.value["action_id"].tolist() == ["HR-03", "HR-04"])
    assert waiting["upstream_action_id"].tolist() == ["IT-01", "IT-02"]
    waited = next(t.value for t in at.dataframe if t.value.columns[0] == "upstream_action_id")
    # FIN-05 waits on HR-03
    assert waited[["upstream_action_id", "action_id"]].values.tolist() == [["HR-03", "FIN-05"]]
    # the counts above each table (an action late: overdue, or forecast after its due date):
    # HR-03 and HR-04 wait on IT. HR-03 is late through IT-01; HR-04's own pace is: 10% in the
    # 29 days from 1 June gives 290 days, 18 March 2026, after its due 31 October → 2 of 2,
    # 100.0%. FIN-05 waits on HR-03 and is late through it: 1 of 1
    assert ("2 open actions of Human Resources wait on other departments'; 2 of them are late "
            "(100.0%)") in words
    assert ("1 open action of other departments waits on Human Resources'; 1 of them is late "
            "(100.0%)") in words


def _july_then_page(deps_db: Path, monkeypatch: pytest.MonkeyPatch, reporting: str,
                    rows: list[list[object]], shown: str) -> AppTest:
    """`reporting` department's July 2025 report of `rows` loaded, then `shown`'s Department page
    opened at July."""
    july = workbook([["Department", reporting], ["Reporting period", "July 2025"], [], COLUMNS,
                     *rows])
    con = db.connect(deps_db)
    [outcome] = load_file(con, july, f"{reporting}_2025-07.xlsx")
    assert outcome.status == "accepted", outcome.message
    con.close()
    return app(deps_db, monkeypatch, "department",
               query={"period": "2025-07", "department": shown})


def test_a_department_without_the_months_report_still_sees_who_waits_on_it(
        deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # July: only Human Resources reports; HR-03 still waits on IT-01, of IT's plan in force (June)
    at = _july_then_page(deps_db, monkeypatch, "Human Resources", [
        ["HR-03", "Onboard forty new recruits", "SO5", "Lerato Mokoena", 200000, 60000,
         "01/04/2025", "31/07/2025", "In progress", 50, None, None,
         "Information Technology: IT-01", "INI-01"]], "Information Technology")
    assert not at.exception
    words = texts(at)
    # its July report is missing (no filter is set), due on the 7th of August
    assert ("Information Technology's report for July 2025 has not come in (it was due by "
            "7 Aug 2025).") in words
    waited = next(t.value for t in at.dataframe if t.value.columns[0] == "upstream_action_id")
    # and HR-04, which July's report leaves out, carried over still waiting on IT-02
    assert waited[["upstream_action_id", "action_id"]].values.tolist() == [["IT-01", "HR-03"],
                                                                         ["IT-02", "HR-04"]]


def test_a_dependency_that_names_no_action_is_listed_on_the_dependencies_page(
        deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # July: HR-03 also waits on "IT-99", which no plan has: an upload warning, then nowhere
    _july_then_page(deps_db, monkeypatch, "Human Resources", [
        ["HR-03", "Onboard forty new recruits", "SO5", "Lerato Mokoena", 200000, 60000,
         "01/04/2025", "31/07/2025", "In progress", 50, None, None,
         "Information Technology: IT-01; IT-99", "INI-01"]], "Human Resources")
    at = app(deps_db, monkeypatch, "dependencies", query={"period": "2025-07"})
    assert not at.exception
    assert ("1 dependency names no action of the plans in force, or several, so it is not "
            "counted on this page.") in texts(at).replace("*", "")
    listed = next(t.value for t in at.dataframe if "ref" in t.value.columns)
    assert listed[["department", "action_id", "ref", "found"]].values.tolist() == [
        ["Human Resources", "HR-03", "IT-99", 0]]


def test_waits_that_are_all_met_are_said_so(deps_db: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # July: IT completes IT-01 and IT-02, so no open action of Human Resources waits on IT any
    # more; its page listed the two met dependencies under "Waiting on others" without a word
    at = _july_then_page(deps_db, monkeypatch, "Information Technology", [
        ["IT-01", "Procure laptops for the new recruits", "SO2", "Sipho Ndlovu", 900000, 880000,
         "01/03/2025", "31/05/2025", "Completed", 100, "10/07/2025", "Supplier late", None,
         "INI-01"],
        ["IT-02", "Set up accounts", "SO2", "Sipho Ndlovu", 50000, 40000, "01/05/2025",
         "30/09/2025", "Completed", 100, "15/07/2025", None, None, None]], "Human Resources")
    assert not at.exception
    assert ("No open wait: in each dependency below, the action waited on is complete, or the "
            "waiting action is closed") in texts(at)
    waiting = next(t.value for t in at.dataframe if "upstream_action_id" in t.value.columns
                   and "HR-03" in t.value["action_id"].tolist())
    assert waiting["upstream_action_id"].tolist() == ["IT-01", "IT-02"]


def test_the_action_trail_download_has_the_dependency_figures(
        deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the trail is drawn without them (not worked out for every view); its download, made on
    # the click, has them: HR-03 in June waits on IT-01 and is blocked by it
    files = Downloads(monkeypatch)
    at = app(deps_db, monkeypatch, "department",
             query={**JUNE, "department": "Human Resources",
                    "action": "HR-03 · Onboard forty new recruits"})
    assert not at.exception and at.selectbox(key="action").value == "HR-03"
    trail = next(t.value for t in at.dataframe if "upload_id" in t.value.columns)
    assert "waiting_on" not in trail.columns
    [name] = [n for n in files.names() if "action-HR-03" in n and n.endswith(".csv")]
    rows = pd.read_csv(io.BytesIO(files.named(name)))
    assert rows["Waiting on"].tolist() == ["Information Technology: IT-01"]
    assert rows["Blocked"].tolist() == [True]


def test_the_department_actions_download_has_every_column_and_the_dependency_figures(
        deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the actions table is drawn without the dependency figures; its download, made on the click,
    # is the month's action_figures for the department, every column: HR-03 waits on IT-01
    con = db.connect(deps_db)
    try:
        expected = metrics.action_figures(con, metrics.Filters("2025-06", ("Human Resources",)))
    finally:
        con.close()
    files = Downloads(monkeypatch)
    at = app(deps_db, monkeypatch, "department", query={**JUNE, "department": "Human Resources"})
    assert not at.exception
    name = "lekgotla-actions-2025-06-Human_Resources.csv"
    rows = pd.read_csv(io.BytesIO(files.named(name))).set_index("Action ID")
    assert rows.loc["HR-03", "Waiting on"] == "Information Technology: IT-01"
    assert bool(rows.loc["HR-03", "Blocked"]) and not bool(rows.loc["HR-04", "Blocked"])
    assert len(rows) == len(expected) and len(rows.columns) + 1 == len(expected.columns)


def test_explore_has_dependency_columns(deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(deps_db, monkeypatch, "explore", query=JUNE)
    table = at.dataframe[0].value.set_index("action_id")
    assert table.loc["HR-03", "depends_on"] == "Information Technology: IT-01"
    assert table.loc["HR-03", "initiative"] == "INI-01"
    assert bool(table.loc["FIN-05", "blocked"]) and not bool(table.loc["HR-04", "blocked"])


def test_initiatives_page(deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(deps_db, monkeypatch, "initiatives", query=JUNE)
    assert not at.exception
    tiles = metric_values(at)
    # INI-01: IT-01, HR-03, FIN-05; none Completed (0%); IT-01 overdue: 1/3 = 33.3%
    assert tiles["Completion"] == "0.0%" and tiles["Overdue"] == "33.3%"
    actions = at.dataframe[-1].value
    assert actions["action_id"].tolist() == ["FIN-05", "HR-03", "IT-01"]


# --- the sample data (sample_data/README.md, "Dependencies and initiatives") ------------------

def test_dependencies_page_on_the_sample(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "dependencies", query=JUNE)
    assert not at.exception
    # 5 links: ICT-07 → 1.1 → OPS-01, FIN-05 → MC-10, ICT-01 → ICT-11, 3.2 → LC-03; 9 actions
    # at either end (1.1 is at both). Across departments and open: 1.1 on ICT-07, OPS-01 on 1.1,
    # MC-10 on FIN-05, LC-03 on 3.2 (ICT-11 on ICT-01 is within IT) = 4; late: the first three
    # (3.2 is Completed) = 3/4 = 75.0%; blocked: 1.1, OPS-01, MC-10
    assert metric_values(at) == {"Actions with a dependency": "9", "Across departments": "4",
                                 "Late across departments": "75.0%", "Blocked actions": "3"}
    chains = at.dataframe[0].value
    assert chains["chain"].tolist() == ["IT ICT-07 → HR 1.1 → Operations OPS-01",
                                        "Finance FIN-05 → MC MC-10"]
    assert chains["days_late"].tolist() == [48, 19]  # the most days a dependency of each moves
    # OPS-01 is moved 48 days, MC-10 19, 1.1 12 (the README's figures), the most first
    blocked = at.dataframe[-1].value
    assert blocked["action_id"].tolist() == ["OPS-01", "MC-10", "1.1"]
    assert blocked["days_late"].tolist() == [48, 19, 12]


def test_initiatives_page_on_the_sample(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "initiatives", query=JUNE)
    assert not at.exception
    assert "INI-01 · Service centre capacity" in texts(at)
    tiles = metric_values(at)
    # INI-01's four actions (OPS-01, HR 1.1, ICT-07, ICT-10) are all open: 0% complete; none is
    # past its due date at the end of June (ICT-07 and 1.1 are due 30 June): 0% overdue
    assert tiles["Completion"] == "0.0%" and tiles["Overdue"] == "0.0%"
    assert at.dataframe[-1].value["action_id"].tolist() == ["1.1", "ICT-07", "ICT-10", "OPS-01"]


def test_the_count_above_a_wait_table_says_how_many_of_its_rows_are_met(
        deps_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # July: IT completes IT-02 but not IT-01, so one open action of Human Resources (HR-03)
    # waits, beside a table of its two dependencies; the sentence read "1 open action" over two
    # rows, without a word on the met one
    at = _july_then_page(deps_db, monkeypatch, "Information Technology", [
        ["IT-01", "Procure laptops for the new recruits", "SO2", "Sipho Ndlovu", 900000, 880000,
         "01/03/2025", "31/05/2025", "In progress", 90, None, "Supplier late", None, "INI-01"],
        ["IT-02", "Set up accounts", "SO2", "Sipho Ndlovu", 50000, 40000, "01/05/2025",
         "30/09/2025", "Completed", 100, "15/07/2025", None, None, None]], "Human Resources")
    assert not at.exception
    words = texts(at)
    assert "1 open action of Human Resources waits on other departments'" in words
    assert ("2 dependencies listed, 1 of them met or closed (nothing to wait for), the late ones "
            "first") in words
