"""Dependencies and initiatives (issue 16) over the hand-made chain of tests/support/dependency_history.py:
Works W1 (late) → Health H1 → Finance F1, in March 2025 (period_end 2025-03-31). Every expected
value is worked out by hand below.

Expected finish (docs/kpis.md "Dependencies"): forecast_finish when progress gives one, else the
later of the due date and the month end; remaining days = (due − start) × (100 − progress) ÷ 100.
- W1: 50% on 2025-03-31, started 2025-01-01: 89 days elapsed → forecast 01-01 + 89 × 100 ÷ 50 =
  178 days = 2025-06-28. Due 2025-03-12 < 03-31 and open: overdue (Red).
- H1: Not started, so no forecast: expected = max(due 06-30, 03-31) = 2025-06-30; remaining =
  (06-30 − 02-01 = 149) × 100% = 149. Depends on W1: finish = max(06-30, 06-28 + 149 = 11-24) =
  2025-11-24. Blocked: W1 is open and overdue. Slip = 11-24 − max(06-30, 06-30) = 147 days.
- F1: Not started: expected = max(09-30, 03-31) = 2025-09-30; remaining = 09-30 − 03-01 = 213.
  Depends on H1: finish = max(09-30, H1's 11-24 + 213) = 2026-06-25 (the same as the whole path
  F1 → H1 → W1: W1's 06-28 + 213 + 149 = 362 days). Blocked: H1 open, finishing 11-24 after F1's
  due 09-30. Slip = 2026-06-25 − max(09-30, 09-30) = 268 days.
- H2: depends on the bare "W2", Works' (the only department with a W2). W2: 50%, started 02-01,
  58 days → 116 days → 2025-05-28, due 04-30 not yet passed. H2 not started: expected 12-31,
  remaining = 12-31 − 06-01 = 213; finish = max(12-31, 05-28 + 213 = 12-27) = 12-31: waiting, not
  blocked, slip 0.
- F2: depends on "F3" (its own department's), Completed: not waiting. 50%, started 02-01: 58 days →
  116 → 2025-05-28; due 06-01: slip 0, finish = its own 05-28.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from dependency_history import build

from ingest import db
from metrics.actions import (
    ACTION_COLUMNS,
    DEPENDENCY_COLUMNS,
    action_figures,
    action_history,
    figures_for_months,
    resolve_month,
)
from metrics.dependencies import (
    DEPARTMENT_COLUMNS,
    INITIATIVE_COLUMNS,
    LINK_COLUMNS,
    action_dependencies,
    blocked_actions,
    department_dependencies,
    dependency_columns,
    dependency_kpi,
    initiative_actions,
    initiatives,
    links_scope,
    month_links,
    with_dependencies,
)
from metrics.filters import Filters
from metrics.views import action_trail
from presentation.cli import main

MARCH = Filters("2025-03")


@pytest.fixture(scope="module")
def deps_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("deps") / "deps.duckdb"
    build(path).close()
    return path


@pytest.fixture(scope="module")
def con(deps_path: Path) -> db.Connection:
    return db.connect(str(deps_path))


def _day(value: object) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def test_action_figures_carry_the_dependency_figures(con: db.Connection) -> None:
    rows = action_figures(con, MARCH).set_index("action_id")
    assert tuple(action_figures(con, MARCH).columns) == ACTION_COLUMNS
    expected = {  # action: (depends_on, waiting_on, blocked, dependency_forecast, slip_from_dependencies)
        "W1": (None, None, False, None, None),  # depends on nothing
        "H1": ("Works: W1", "Works: W1", True, date(2025, 11, 24), 147),
        "F1": ("Health: H1", "Health: H1", True, date(2026, 6, 25), 268),
        "H2": ("W2", "Works: W2", False, date(2025, 12, 31), 0),
        "F2": ("Finance: F3", None, False, date(2025, 5, 28), 0),  # F3 Completed: not waiting
        "F3": (None, None, False, None, None),
        "W2": (None, None, False, None, None),
    }
    for aid, (depends, waiting, blocked, forecast, slip) in expected.items():
        row = rows.loc[aid]
        got = (None if pd.isna(row["depends_on"]) else row["depends_on"],
               None if pd.isna(row["waiting_on"]) else row["waiting_on"], bool(row["blocked"]),
               _day(row["dependency_forecast"]),
               None if pd.isna(row["slip_from_dependencies"]) else int(row["slip_from_dependencies"]))
        assert got == (depends, waiting, blocked, forecast, slip), aid


def test_one_departments_figures_and_one_actions_trail_follow_the_chain_upstream(
        con: db.Connection) -> None:
    # asked for Finance alone, or for F1 alone (the Department page's trail), the network is
    # worked out only upstream of what is asked (dependency_network.sql `links`), which still
    # takes in Health's H1 and Works' W1: the same figures as above
    finance = action_figures(con, Filters("2025-03", ("Finance",))).set_index("action_id")
    assert sorted(finance.index) == ["F1", "F2", "F3"]
    f1 = finance.loc["F1"]
    assert (f1["waiting_on"], bool(f1["blocked"]), _day(f1["dependency_forecast"]),
            int(f1["slip_from_dependencies"])) == ("Health: H1", True, date(2026, 6, 25), 268)
    assert _day(finance.loc["F2"]["dependency_forecast"]) == date(2025, 5, 28)
    trail = action_trail(con, Filters("2025-03"), "Finance", "F1").set_index("period")
    assert _day(trail.loc["2025-03", "dependency_forecast"]) == date(2026, 6, 25)
    assert int(trail.loc["2025-03", "slip_from_dependencies"]) == 268
    # and Health's H1 (asked alone) waits on W1 as in the whole organisation's figures
    h1 = action_trail(con, Filters("2025-03"), "Health", "H1").set_index("period")
    assert (_day(h1.loc["2025-03", "dependency_forecast"]),
            int(h1.loc["2025-03", "slip_from_dependencies"])) == (date(2025, 11, 24), 147)


def test_without_the_dependency_figures_the_rest_is_the_same(con: db.Connection) -> None:
    # for a page that shows none of them: the same rows and figures, without those four columns
    whole = action_figures(con, MARCH)
    plain = action_figures(con, MARCH, dependencies=False)
    assert tuple(plain.columns) == tuple(c for c in ACTION_COLUMNS if c not in DEPENDENCY_COLUMNS)
    pd.testing.assert_frame_equal(plain, whole.drop(columns=list(DEPENDENCY_COLUMNS)))


@pytest.mark.parametrize("departments", [(), ("Finance",), ("Health", "Works")])
@pytest.mark.parametrize("dates_as_objects", [False, True])
def test_the_dependency_figures_from_the_months_links_are_the_same(
        con: db.Connection, departments: tuple[str, ...], dates_as_objects: bool) -> None:
    """What Explore does with the month's links the page holds (month_links): the same four
    columns, values and types as action_figures works them out, in every month."""
    for period in ("2025-02", "2025-03", "2025-Q1"):
        f = Filters(period, departments)
        month = [resolve_month(con, f)]
        worked_out = figures_for_months(con, f, month, dates_as_objects)
        from_links = with_dependencies(
            figures_for_months(con, f, month, dates_as_objects, dependencies=False),
            dependency_columns(month_links(con, links_scope(f))))
        pd.testing.assert_frame_equal(from_links, worked_out)
    # and the chain's figures are there (worked out above): F1 waits on H1, blocked, 268 days;
    # H1 (asked with Health) on W1, blocked, 147 days
    action, waits_on, days = ("H1", "Works: W1", 147) if "Health" in departments else (
        "F1", "Health: H1", 268)
    row = from_links.set_index("action_id").loc[action]
    assert (row["waiting_on"], bool(row["blocked"]), int(row["slip_from_dependencies"])) == (
        waits_on, True, days)


def test_the_history_keeps_what_each_report_said(con: db.Connection) -> None:
    # H1 depended on nothing in February and on W1 in March
    rows = action_history(con, Filters("2025-03", ("Health",), period_from="2025-02"))
    h1 = rows[rows["action_id"] == "H1"].set_index("period")["depends_on"]
    assert pd.isna(h1["2025-02"]) and h1["2025-03"] == "Works: W1"


def test_each_link_with_both_ends_and_their_sources(con: db.Connection) -> None:
    links = action_dependencies(con, MARCH)
    assert tuple(links.columns) == LINK_COLUMNS
    got = {(r.action_id, r.pred_action_id): (r.cross_department, r.waiting, r.late, r.days_late, r.action_late)
           for r in links.itertuples()}
    assert got == {
        ("F1", "H1"): (True, True, True, 268, True),  # H1's 11-24 + 213 − 09-30
        ("F2", "F3"): (False, False, False, 0, False),  # F3's 02-20 + 60 = 04-21, before 06-01
        ("H1", "W1"): (True, True, True, 147, True),  # W1's 06-28 + 149 − 06-30
        ("H2", "W2"): (True, True, False, 0, False),  # W2's 05-28 + 213 = 12-27, before 12-31
    }
    f1 = links[links["action_id"] == "F1"].iloc[0]
    assert (f1["file_name"], f1["sheet"], int(f1["source_row"])) == ("Finance_2025-03.xlsx", "Actions", 5)
    assert (f1["pred_file_name"], int(f1["pred_source_row"])) == ("Health_2025-03.xlsx", 5)
    assert _day(f1["pred_forecast"]) == date(2025, 11, 24)
    # filters keep a link when either end matches
    assert set(action_dependencies(con, Filters("2025-03", ("Works",)))["action_id"]) == {"H1", "H2"}
    assert set(action_dependencies(con, MARCH, initiative="INI-2")["action_id"]) == {"F2"}
    # blocked: the late links, the furthest moved first
    assert list(blocked_actions(con, MARCH)["action_id"]) == ["F1", "H1"]


def test_departments_waiting_on_each_other(con: db.Connection) -> None:
    rows = department_dependencies(con, MARCH)
    assert tuple(rows.columns) == DEPARTMENT_COLUMNS
    got = {r.department: (r.waiting_on_others, r.waiting_on_others_late, r.others_waiting,
                          r.others_waiting_late, r.blocking) for r in rows.itertuples()}
    assert got == {
        "Finance": (1, 1, 0, 0, 0),  # F1 waits on Health and is late (2026-06-25 > 09-30)
        "Health": (2, 1, 1, 1, 1),  # H1 (late) and H2 (not) wait on Works; F1 waits on H1, blocked
        "Works": (0, 0, 2, 1, 1),  # H1 and H2 wait on it; H1 late and blocked by W1
    }
    shares = rows.set_index("department")
    assert shares.at["Health", "waiting_on_others_late_share"] == 0.5  # 1 of 2
    assert shares.at["Works", "others_waiting_late_share"] == 0.5  # 1 of 2
    assert pd.isna(shares.at["Works", "waiting_on_others_late_share"])  # none waits: no share
    assert list(department_dependencies(con, Filters("2025-03", ("Works",)))["department"]) == ["Works"]


def test_the_share_of_cross_department_dependencies_late(con: db.Connection) -> None:
    # links across departments with an open action: F1→H1, H1→W1, H2→W2; late: the first two
    assert dependency_kpi(con, MARCH) == {"period": "2025-03", "cross_department_links": 3, "late_links": 2,
                                          "late_dependency_share": 2 / 3}
    # Finance's: F1→H1 only
    assert dependency_kpi(con, Filters("2025-03", ("Finance",)))["late_dependency_share"] == 1.0


def test_initiatives(con: db.Connection) -> None:
    rows = initiatives(con, MARCH).set_index("initiative_id")
    assert tuple(initiatives(con, MARCH).columns) == INITIATIVE_COLUMNS
    one = rows.loc["INI-1"]
    # W1, H1, F1 and H2 (named "Clinic staffing"): none Completed; W1 overdue (1 of 4); budgets
    # (80 + 0 + 20) / (100 + 200 + 100) = 0.25; W1 slipped (03-31 − baseline 03-12 = 19 days);
    # forecast: F1's 2026-06-25, 176 days after the target 2025-12-31; RAG: W1 Red (overdue), H1 Red
    # (planned 58/149 = 38.9%, variance −38.9 < −25), F1 Amber (planned 30/213 = 14.1%), H2 Green
    # (not started yet) — 2 Red of 4 ≥ a quarter: Red. Blocked: H1 and F1.
    assert (one["name"], one["lead_department"], one["member_departments"]) == (
        "Clinic staffing", "Health", "Health; Works; Finance")
    assert (one["actions"], one["completion_rate"], one["overdue_rate"], one["budget_utilisation"],
            one["slipped_count"]) == (4, 0.0, 0.25, 0.25, 1)
    assert pd.isna(one["on_time_rate"])  # nothing Completed
    assert _day(one["forecast_finish"]) == date(2026, 6, 25) and one["forecast_vs_target_days"] == 176
    assert (one["red"], one["amber"], one["green"], one["blocked"], one["rag"]) == (2, 1, 1, 2, "Red")
    two = rows.loc["INI-2"]
    # F2 and F3: F3 Completed on time (02-20 ≤ 02-28); budgets (400 + 500) / (1000 + 500) = 0.6;
    # forecast F2's 2025-05-28, 33 days before 2025-06-30; Green and Complete: Green
    assert (two["actions"], two["completion_rate"], two["on_time_rate"], two["overdue_rate"],
            two["budget_utilisation"]) == (2, 0.5, 1.0, 0.0, 0.6)
    assert (two["forecast_vs_target_days"], two["rag"]) == (-33, "Green")
    nine = rows.loc["INI-9"]  # named by W2 only, not in the register: W2 Amber (50 − 65.9 < −10)
    assert (bool(nine["in_register"]), nine["actions"], nine["rag"]) == (False, 1, "Amber")
    assert pd.isna(nine["forecast_vs_target_days"])
    # a department's: those it leads, takes part in or has an action in
    assert list(initiatives(con, Filters("2025-03", ("Finance",)))["initiative_id"]) == ["INI-1", "INI-2"]
    assert list(initiatives(con, Filters("2025-03", ("Works",)))["initiative_id"]) == ["INI-1", "INI-9"]
    assert set(initiative_actions(con, MARCH, "INI-1")["action_id"]) == {"W1", "H1", "F1", "H2"}
    # worked out for its actions alone (and what they wait on): the organisation's month's rows
    # of the initiative, each figure the same (a column with no value in them is read as object)
    every = action_figures(con, MARCH)
    plain = lambda df: df.astype(object).where(df.notna(), None)  # noqa: E731
    for name in ("INI-1", "INI-2", "INI-9"):
        pd.testing.assert_frame_equal(
            plain(initiative_actions(con, MARCH, name)),
            plain(every[every["initiative"] == name].reset_index(drop=True)))


def test_an_initiatives_list_is_the_actions_its_figures_count(deps_path: Path,
                                                            tmp_path: Path) -> None:
    # April: Works alone reports (W1 at 70%). INI-1's actions are those of every department's
    # plan in force: W1 of Works' April report, H1 and H2 of Health's March, F1 of Finance's
    # March: 4, in its figures and in its list alike, each as of its own department's report
    import shutil

    from dependency_history import REPORTS, report_file

    from ingest.load import load_file

    path = tmp_path / "april.duckdb"
    shutil.copy(deps_path, path)
    con = db.connect(str(path))
    try:
        w1, w2 = (list(r) for r in REPORTS["Works"]["2025-03"])
        w1[5], w1[9] = 90, 70  # spent, percent complete
        [o] = load_file(con, report_file("Works", "2025-04", [w1, w2]), "Works_2025-04.xlsx")
        assert o.status == "accepted", o.message
        april = Filters("2025-04")
        table = initiatives(con, april).set_index("initiative_id")
        listed = initiative_actions(con, april, "INI-1")
        assert table.at["INI-1", "actions"] == 4 == len(listed)
        assert sorted(zip(listed["department"], listed["action_id"], listed["period"].astype(str),
                          strict=True)) == [("Finance", "F1", "2025-03"), ("Health", "H1", "2025-03"),
                                            ("Health", "H2", "2025-03"), ("Works", "W1", "2025-04")]
        assert listed.set_index("action_id").at["W1", "percent_complete"] == 70
    finally:
        con.close()


def test_an_initiative_needs_no_dependency_to_count_its_actions(tmp_path: Path) -> None:
    # Works alone, February: W1 (INI-1, 30%) and W2 (INI-9), and no action depends on another
    from dependency_history import register_xlsx, report_file

    from ingest.load import load_file
    from ingest.register import load_register

    con = db.connect(str(tmp_path / "works.duckdb"))
    try:
        load_register(con, register_xlsx(), "register.xlsx")
        [o] = load_file(con, report_file("Works", "2025-02"), "Works_2025-02.xlsx")
        assert o.status == "accepted", o.message
        february = Filters("2025-02")
        table = initiatives(con, february).set_index("initiative_id")
        assert table["actions"].to_dict() == {"INI-1": 1, "INI-2": 0, "INI-9": 1}
        assert table.at["INI-1", "completion_rate"] == 0.0
        assert list(initiative_actions(con, february, "INI-1")["action_id"]) == ["W1"]
    finally:
        con.close()


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_actions_json_gains_the_dependency_figures(deps_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(_cli(capsys, "actions", "--db", str(deps_path), "--period", "2025-03", "--json"))
    f1 = next(r for r in rows if r["action_id"] == "F1")
    assert {k: f1[k] for k in ("depends_on", "waiting_on", "blocked", "dependency_forecast",
                               "slip_from_dependencies")} == {
        "depends_on": ["Health: H1"], "waiting_on": ["Health: H1"], "blocked": True,
        "dependency_forecast": "2026-06-25", "slip_from_dependencies": 268}
    w1 = next(r for r in rows if r["action_id"] == "W1")
    assert (w1["depends_on"], w1["waiting_on"], w1["blocked"], w1["dependency_forecast"]) == ([], [], False, None)


def test_initiatives_json(deps_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(_cli(capsys, "initiatives", "--db", str(deps_path), "--period", "2025-03", "--json"))
    assert [r["initiative_id"] for r in rows] == ["INI-1", "INI-2", "INI-9"]
    one = rows[0]
    assert one["member_departments"] == ["Health", "Works", "Finance"]
    assert (one["forecast_finish"], one["target_date"], one["forecast_vs_target_days"], one["rag"]) == (
        "2026-06-25", "2025-12-31", 176, "Red")
    works = json.loads(_cli(capsys, "initiatives", "--db", str(deps_path), "--period", "2025-03",
                            "--department", "Works", "--json"))
    assert [r["initiative_id"] for r in works] == ["INI-1", "INI-9"]
    text = _cli(capsys, "initiatives", "--db", str(deps_path), "--period", "2025-03")
    assert "INI-1 Clinic staffing" in text and "2026-06-25" in text


def test_a_reference_that_names_no_single_action_is_listed_not_lost(
        deps_path: Path, tmp_path: Path) -> None:
    # Finance's April: F2 also waits on "F99" (no such action) and "Logistics: L1" (no such
    # department); both were upload warnings, and no dependency view counted them
    import shutil

    from dependency_history import REPORTS, report_file

    from ingest.access import CLI
    from ingest.load import load_file
    from metrics.dependencies import unresolved_dependencies

    copy = tmp_path / "deps.duckdb"
    shutil.copy(deps_path, copy)
    rows = [list(r) for r in REPORTS["Finance"]["2025-03"]]
    rows[1][11] = "F3; F99; Logistics: L1"
    with db.connect(str(copy)) as own:
        load_file(own, report_file("Finance", "2025-04", rows), "Finance_2025-04.xlsx", user=CLI)
        found = unresolved_dependencies(own, Filters("2025-04"))
        assert found[["department", "action_id", "ref", "found"]].values.tolist() == [
            ["Finance", "F2", "F99", 0], ["Finance", "F2", "Logistics: L1", 0]]
        assert set(found["file_name"]) == {"Finance_2025-04.xlsx"}
        assert unresolved_dependencies(own, Filters("2025-04", ("Health",))).empty
        assert unresolved_dependencies(own, MARCH).empty  # every March reference names one action


def test_a_link_to_an_action_cancelled_earlier_stays_a_link_that_adds_nothing(
        deps_path: Path, tmp_path: Path) -> None:
    # Works cancels W1 in April and, as a Cancelled action is not carried over, its May report
    # leaves it out; Health's H1 still waits on "Works: W1" in May. The link stays, not waiting
    # and not late (docs/kpis.md), as in April: it was read as naming no action, and left out
    import shutil

    from dependency_history import REPORTS, report_file

    from ingest.access import CLI
    from ingest.load import load_file
    from metrics.dependencies import unresolved_dependencies

    copy = tmp_path / "deps.duckdb"
    shutil.copy(deps_path, copy)
    w1, w2 = (list(r) for r in REPORTS["Works"]["2025-03"])
    w1[8] = "Cancelled"
    with db.connect(str(copy)) as own:
        for department, month, rows in (("Works", "2025-04", [w1, w2]), ("Works", "2025-05", [w2]),
                                         ("Health", "2025-05", REPORTS["Health"]["2025-03"])):
            [o] = load_file(own, report_file(department, month, [list(r) for r in rows]),
                            f"{department}_{month}.xlsx", user=CLI)
            assert o.status == "accepted", o.message
        for month in ("2025-04", "2025-05"):
            links = action_dependencies(own, Filters(month, ("Health",))).set_index("action_id")
            assert (links.at["H1", "pred_action_id"], links.at["H1", "pred_status"]) == (
                "W1", "Cancelled"), month
            assert not links.at["H1", "waiting"] and not links.at["H1", "late"], month
        assert unresolved_dependencies(own, Filters("2025-05")).empty
        # May: H1 → W1 (Cancelled), H2 → W2 and Finance's F1 → H1 (its March plan, in force):
        # 3 links across departments, as in April
        assert dependency_kpi(own, Filters("2025-05"))["cross_department_links"] == dependency_kpi(
            own, Filters("2025-04"))["cross_department_links"] == 3


def test_a_bare_id_names_an_action_in_force_before_one_cancelled_earlier(
        deps_path: Path, tmp_path: Path) -> None:
    # Finance cancels its own "W2" in April and leaves it out in May, while Works' W2 stays in its
    # plan: in May, F2's bare "W2" names Works' W2, the one in a plan in force (docs/report-format.md)
    # — a cancelled action is named only when no plan in force has the ID. And an action cancelled,
    # reported again, then left out of a portfolio snapshot is no link at all
    import shutil

    from dependency_history import REPORTS, report_file

    from ingest.access import CLI
    from ingest.load import load_file
    from metrics.dependencies import unresolved_dependencies

    copy = tmp_path / "deps.duckdb"
    shutil.copy(deps_path, copy)
    finance = [list(r) for r in REPORTS["Finance"]["2025-03"]]
    own_w2 = [*finance[0][:8], "Cancelled", 0, None, None, None]
    own_w2[:2] = ["W2", "Finance's own W2"]
    f2 = next(r for r in finance if r[0] == "F2")
    f2[11] = "W2"
    with db.connect(str(copy)) as own:
        def load(department: str, month: str, rows: list[list[object]], **options: object) -> None:
            [o] = load_file(own, report_file(department, month, rows), f"{department}_{month}.xlsx",
                            user=CLI, **options)
            assert o.status == "accepted", o.message

        load("Finance", "2025-04", [*finance, own_w2])
        load("Finance", "2025-05", finance)
        links = action_dependencies(own, Filters("2025-05", ("Finance",))).set_index("action_id")
        assert links.at["F2", "pred_department"] == "Works"
        # Works' W1: cancelled in June, reported again in July, left out of August's snapshot
        w1, w2 = (list(r) for r in REPORTS["Works"]["2025-03"])
        load("Works", "2025-06", [[*w1[:8], "Cancelled", *w1[9:]], w2])
        load("Works", "2025-07", [w1, w2])
        load("Works", "2025-08", [w2], absent_actions="left")
        load("Health", "2025-08", [list(r) for r in REPORTS["Health"]["2025-03"]])
        refs = unresolved_dependencies(own, Filters("2025-08"))
        assert [(r.action_id, r.ref) for r in refs.itertuples()] == [("H1", "Works: W1")]


def test_a_department_that_has_not_reported_the_month_is_worked_out_at_its_end(
        deps_path: Path, tmp_path: Path) -> None:
    # April: Finance alone reports. Works' W1 and Health's H1 come from their March reports and
    # are worked out at April's end, as a row carried into April would be (they were left as of
    # March: a forecast already past, read as not overdue):
    # - W1: 50% on 2025-04-30, started 01-01: 119 days elapsed → 01-01 + 119 × 100 ÷ 50 = 238
    #   days = 2025-08-27 (March: 06-28); due 03-12: overdue
    # - H1: not started → expected max(06-30, 04-30) = 06-30, remaining 149; waits on W1:
    #   finish = max(06-30, 08-27 + 149) = 2026-01-23 (March: 2025-11-24)
    import shutil

    from dependency_history import REPORTS, report_file

    from ingest.access import CLI
    from ingest.load import load_file

    copy = tmp_path / "deps.duckdb"
    shutil.copy(deps_path, copy)
    with db.connect(str(copy)) as own:
        [o] = load_file(own, report_file("Finance", "2025-04", [list(r) for r in REPORTS["Finance"][
            "2025-03"]]), "Finance_2025-04.xlsx", user=CLI)
        assert o.status == "accepted", o.message
        links = action_dependencies(own, Filters("2025-04", ("Health",))).set_index("action_id")
        assert _day(links.at["H1", "pred_forecast"]) == date(2025, 8, 27)
        assert bool(links.at["H1", "pred_overdue"])
        assert _day(links.at["H1", "dependency_forecast"]) == date(2026, 1, 23)
        march = action_dependencies(own, Filters("2025-03", ("Health",))).set_index("action_id")
        assert _day(march.at["H1", "dependency_forecast"]) == date(2025, 11, 24)
