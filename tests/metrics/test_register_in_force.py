"""A month is judged against the strategy register in force when its first report came in: a
register loaded later neither makes a department it adds missing from earlier months nor drops
one it no longer lists from them, and objective coverage counts that register's objectives."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import openpyxl
import pytest
from backends import empty_connection
from openpyxl import Workbook
from testdata import report

from ingest import db
from ingest.access import CLI
from ingest.load import load_file
from ingest.register import load_register
from ingest.template import build_template
from ingest.values import Period
from metrics import Filters, objectives_without_action, views
from metrics.catalogue import expected_departments, reporting
from metrics.kpis import kpi_changes, kpis


def register(objectives: list[str], departments: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Objectives"
    ws.append(["Objective ID", "Objective"])
    for o in objectives:
        ws.append([o, f"Objective {o}"])
    deps = wb.create_sheet("Departments")
    deps.append(["Department", "Head"])
    for d in departments:
        deps.append([d, f"Head of {d}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(aid: str, objective: str) -> list[object]:
    return [aid, f"Do {aid}", objective, "R. P.", 100, 50, dt.date(2025, 1, 6),
            dt.date(2025, 12, 31), "In progress", 50, None, None]


@pytest.fixture
def con() -> Iterator[db.Connection]:
    # v1: Finance, Health, Works and SO1-SO3; October reported by all three under it. v2 (a
    # mid-year lekgotla): Health gone, IT added, SO4 added; November reported under it
    connection = empty_connection()
    load_register(connection, register(["SO1", "SO2", "SO3"], ["Finance", "Health", "Works"]),
                  "register-v1.xlsx")
    for department, objective in (("Finance", "SO1"), ("Health", "SO2"), ("Works", "SO2")):
        load_file(connection, report([row(f"{department[0]}1", objective)], department,
                                     "October 2025"), f"{department}_2025-10.xlsx", user=CLI)
    load_register(connection, register(["SO1", "SO2", "SO3", "SO4"],
                                       ["Finance", "Works", "Information Technology"]),
                  "register-v2.xlsx")
    for department, objective in (("Finance", "SO1"), ("Works", "SO2"),
                                  ("Information Technology", "SO4")):
        load_file(connection, report([row(f"{department[0]}1", objective)], department,
                                     "November 2025"), f"{department}_2025-11.xlsx", user=CLI)
    yield connection
    connection.close()


def figures(con: db.Connection, period: str) -> dict[str, object]:
    return kpis(con, Filters(period))


def test_a_month_keeps_the_departments_and_objectives_of_its_own_register(
        con: db.Connection) -> None:
    october, november = figures(con, "2025-10"), figures(con, "2025-11")
    # October, by hand: v1 expected Finance, Health and Works, and all three reported: 3/3 (it
    # read 2/3 against v2: Health's report out, IT "missing" before it existed); its actions
    # serve SO1 and SO2 of v1's three objectives: 2/3 (it read 2/4 against v2)
    assert october["submission_rate"] == pytest.approx(1.0)
    assert october["objective_coverage"] == pytest.approx(2 / 3)
    # November, under v2: Finance, Works and IT all reported, 3/3; SO1, SO2, SO4 of 4: 3/4
    assert november["submission_rate"] == pytest.approx(1.0)
    assert november["objective_coverage"] == pytest.approx(3 / 4)
    # the same from the action rows (an objective filter: kpis.sql, not the summary table)
    every = ("SO1", "SO2", "SO3", "SO4")
    rows = kpis(con, Filters("2025-10", objectives=every))
    assert (rows["submission_rate"], rows["objective_coverage"]) == pytest.approx((1.0, 2 / 3))
    rows = kpis(con, Filters("2025-11", objectives=every))
    assert (rows["submission_rate"], rows["objective_coverage"]) == pytest.approx((1.0, 3 / 4))


def test_who_is_expected_follows_the_months_register(con: db.Connection) -> None:
    assert expected_departments(con, "2025-10") == ["Finance", "Health", "Works"]
    assert expected_departments(con, "2025-11") == ["Finance", "Information Technology", "Works"]
    october = views.period_reporting(con, Filters("2025-10"))
    assert (october["expected"], october["missing"]) == (3, [])  # not provisional
    months = reporting(con).set_index("period")
    assert months.loc["2025-10", "missing"] == [] and months.loc["2025-11", "missing"] == []
    # a month nobody has reported yet is judged against the register in force now
    assert expected_departments(con, "2025-12") == ["Finance", "Information Technology", "Works"]


def test_the_alignment_lists_are_the_months_register(con: db.Connection) -> None:
    # SO4 came with v2: October did not leave it unworked; November's IT action serves it
    assert list(objectives_without_action(con, Filters("2025-10"))["objective_id"]) == ["SO3"]
    assert list(objectives_without_action(con, Filters("2025-11"))["objective_id"]) == ["SO3"]


def test_a_department_the_new_register_drops_does_not_make_the_month_provisional(
        con: db.Connection) -> None:
    # Health reported October and, dropped by v2, not November: November is complete, not
    # provisional. IT, which v2 added, reported November first: the changes compare the
    # departments that reported both months, Finance and Works (F1 and W1 each month), so
    # neither the department dropped nor the one added reads as a move; November's own count is
    # F1, I1, W1 = 3
    changes = kpi_changes(con, Filters("2025-11")).set_index("kpi")
    assert changes.loc["actions", ["value", "compared_value", "previous_value"]].tolist() == [3, 2, 2]
    assert changes.loc["completion_rate", "compared_over"] == ["Finance", "Works"]
    assert not changes["provisional"].any()


def test_the_pack_names_the_register_its_month_was_judged_against(con: db.Connection) -> None:
    from metrics.pack import build_pack

    assert build_pack(con, Filters("2025-10")).register["register_version"] == 1
    assert build_pack(con, Filters("2025-11")).register["register_version"] == 2


def test_a_month_backfilled_after_the_new_register_keeps_the_old_one(con: db.Connection) -> None:
    # September loaded after v2 by Finance and Works: v1 applies to it (October, a later month,
    # was reported under v1), so Health is the one missing, not IT, which v1 did not list: 2 of
    # 3; SO1 and SO3 of v1's three objectives, 2/3 (against v2, 2 of 4)
    for department, objective in (("Finance", "SO1"), ("Works", "SO3")):
        load_file(con, report([row(f"{department[0]}1", objective)], department,
                              "September 2025"), f"{department}_2025-09.xlsx", user=CLI)
    assert expected_departments(con, "2025-09") == ["Finance", "Health", "Works"]
    september = kpis(con, Filters("2025-09"))
    assert (september["actions"], september["submission_rate"]) == (2, pytest.approx(2 / 3))
    assert september["objective_coverage"] == pytest.approx(2 / 3)


def test_a_register_that_lists_no_department_does_not_take_a_later_ones() -> None:
    # v1 has no Departments sheet: its months expect every department that has reported; v2,
    # listing IT too, must not make October's "missing" IT appear
    connection = empty_connection()
    try:
        load_register(connection, register(["SO1"], []), "register-v1.xlsx")
        for department in ("Finance", "Health"):
            load_file(connection, report([row(f"{department[0]}1", "SO1")], department,
                                         "October 2025"), f"{department}_2025-10.xlsx", user=CLI)
        load_register(connection, register(["SO1"], ["Finance", "Health",
                                                     "Information Technology"]), "register-v2.xlsx")
        assert expected_departments(connection, "2025-10") == ["Finance", "Health"]
        assert kpis(connection, Filters("2025-10"))["submission_rate"] == pytest.approx(1.0)
        assert expected_departments(connection, "2025-11") == [
            "Finance", "Health", "Information Technology"]
    finally:
        connection.close()


def test_a_correction_after_a_new_register_is_checked_against_its_months_own(
        con: db.Connection) -> None:
    # Health, which v2 dropped, corrects its October (judged against v1) with a second action:
    # it was refused, "Department 'Health' is not in the strategy register"
    [outcome] = load_file(con, report([row("H1", "SO2"), row("H2", "SO3")], "Health",
                                      "October 2025"), "Health_2025-10 v2.xlsx", user=CLI)
    assert outcome.status == "accepted", outcome.message
    assert not [p.message for p in outcome.problems if "strategy register" in p.message]
    october = kpis(con, Filters("2025-10"))
    assert (october["actions"], october["alignment_rate"]) == (4, pytest.approx(1.0))
    assert expected_departments(con, "2025-10") == ["Finance", "Health", "Works"]
    # v3 drops SO3; Works corrects October, whose SO3 is v1's: no warning, still aligned
    load_register(con, register(["SO1", "SO2", "SO4"], ["Finance", "Works", "Information Technology"]),
                  "register-v3.xlsx")
    [outcome] = load_file(con, report([row("W1", "SO2"), row("W2", "SO3")], "Works",
                                      "October 2025"), "Works_2025-10 v2.xlsx", user=CLI)
    assert not [p.message for p in outcome.problems if "strategy register" in p.message]
    assert kpis(con, Filters("2025-10"))["alignment_rate"] == pytest.approx(1.0)


def _template_objectives(con: db.Connection, department: str, month: Period) -> tuple[list, list]:
    """The template's objective drop-down (its Lists column) and its Objectives sheet's codes."""
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, department, month, user=CLI)))
    listed = [c.value for c in wb["Lists"]["B"][1:] if c.value]
    sheet = [r[0] for r in wb["Objectives"].iter_rows(min_row=5, values_only=True) if r[0]]
    return listed, sheet


def test_a_months_template_offers_the_objectives_of_its_own_register(con: db.Connection) -> None:
    # v3 drops SO3 after October and November were reported. Correcting October (v1: SO1-SO3)
    # its template offered v3's SO1, SO2, SO4, and no SO3 its own actions serve
    load_register(con, register(["SO1", "SO2", "SO4"], ["Finance", "Works", "Information Technology"]),
                  "register-v3.xlsx")
    assert _template_objectives(con, "Health", Period(2025, 10)) == (["SO1", "SO2", "SO3"],) * 2
    assert _template_objectives(con, "Finance", Period(2025, 11)) == (["SO1", "SO2", "SO3", "SO4"],) * 2
    # December, not reported yet, is judged against v3, the register in force
    assert _template_objectives(con, "Finance", Period(2025, 12)) == (["SO1", "SO2", "SO4"],) * 2
    wb = openpyxl.load_workbook(io.BytesIO(build_template(con, "Finance", Period(2025, 12), user=CLI)))
    assert wb["Objectives"]["A1"].value == "Strategic objectives of the register for December 2025"
