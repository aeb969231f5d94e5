"""The review pack's organisation Slippage section when a department has not reported the
quarter's last month: its tables list the actions its tiles count — the organisation's, of that
month (docs/kpis.md, Scope) — as the dashboard's Slippage page does, not the other department's
rows of its earlier month (those are in its own section).

A hand-made history, Q1 2026, loaded from template-like reports (header on row 4, first action
on row 5):

| department | Jan 2026 | Feb 2026 | Mar 2026 |
| ---------- | -------- | -------- | -------- |
| Finance    | yes      | yes      | yes      |
| Operations | yes      | yes      | missing  |

Finance (March is its last report, and the organisation's month):
- F1 due 31 Jan; Completed 10 Feb: slip 10 days (Feb 10 − Jan 31), not moved, not late.
- F2 due 28 Feb, moved to 30 Apr in February; 90 % in March: slip 31 days (Mar 31 − Feb 28),
  rescheduled; not overdue; forecast 1 Oct 2025 + 181 days × 100 ÷ 90 = 201 days → 20 Apr, before
  its due date, so not forecast late.
- F3 due 15 Mar, 60 % in March: overdue by 16 days (Mar 31 − Mar 15), slip 16 days.
Operations (February is its last report in Q1):
- O1 due 31 Jan, moved to 31 Mar in February: slip 28 days (Feb 28 − Jan 31), rescheduled,
  forecast late (1 Nov 2025 + 119 days × 100 ÷ 60 = 198 days → 18 May, after 31 Mar).
- O2 due 15 Feb, 70 % in February: overdue by 13 days, slip 13 days.

Worked out by hand for Q1 2026, the organisation's figures (March: Finance's 3 actions):
slipped 3 (F1, F2, F3), rescheduled 1 (F2), overdue 1 of 3 (F3); the late table: F3 alone.
Operations' O1 and O2 count in none of them (its part, of February, lists them).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime

import pandas as pd
import pytest
from backends import empty_connection
from openpyxl import load_workbook
from pandas.testing import assert_frame_equal
from testdata import xlsx

from ingest import db
from ingest.access import CLI
from ingest.load import load_file
from metrics import views
from metrics.actions import action_figures
from metrics.filters import Filters
from metrics.pack import ReviewPack, build_pack
from metrics.pack_parts import steady
from presentation.pack_html import pack_html
from presentation.pack_xlsx import pack_xlsx

HEADER = ["Action ID", "Action", "Status", "Start date", "Due date", "Percent complete",
          "Completion date"]
Q1 = Filters("2026-Q1")


def _finance(period: str) -> list[list[object]]:
    done = period >= "2026-02"
    return [
        ["F1", "Close the year-end books", "Completed" if done else "In progress", "2025-10-01",
         "2026-01-31", 100 if done else 80, "2026-02-10" if done else None],
        ["F2", "Migrate payroll to the new system", "In progress", "2025-10-01",
         "2026-02-28" if period == "2026-01" else "2026-04-30",
         {"2026-01": 50, "2026-02": 60, "2026-03": 90}[period], None],
        ["F3", "Publish the annual procurement plan", "In progress", "2026-01-01", "2026-03-15",
         {"2026-01": 30, "2026-02": 50, "2026-03": 60}[period], None],
    ]


def _operations(period: str) -> list[list[object]]:
    return [
        ["O1", "Renew the fleet maintenance contract",
         "In progress" if period == "2026-01" else "Delayed", "2025-11-01",
         "2026-01-31" if period == "2026-01" else "2026-03-31",
         50 if period == "2026-01" else 60, None],
        ["O2", "Relocate the central stores", "In progress", "2025-12-01", "2026-02-15",
         40 if period == "2026-01" else 70, None],
    ]


@pytest.fixture(scope="module")
def con() -> Iterator[db.Connection]:
    connection = empty_connection()
    for period in ("2026-01", "2026-02", "2026-03"):
        month = int(period[5:])
        for department, rows in (("Finance", _finance(period)),
                                 ("Operations", _operations(period))):
            if department == "Operations" and period == "2026-03":
                continue  # not reported yet
            data = xlsx([["Department", department], ["Reporting period", period], [], HEADER,
                         *rows])
            [o] = load_file(connection, data, f"{department}_{period}.xlsx", user=CLI,
                            submitted_at=datetime(2026, month + 1, 5, 9))
            assert o.status == "accepted", o
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def pack(con: db.Connection) -> ReviewPack:
    return build_pack(con, Q1)


def _ids(rows: pd.DataFrame) -> list[str]:
    return [str(v) for v in rows["action_id"]]


def test_the_tiles_are_marchs_organisation_figures(pack: ReviewPack) -> None:
    assert pack.month == "2026-03"
    assert {p.department: p.month for p in pack.departments} == {
        "Finance": "2026-03", "Operations": "2026-02"}
    assert pack.kpi("actions") == 3
    assert pack.kpi("slipped_count") == 3
    assert pack.kpi("rescheduled_count") == 1
    assert pack.kpi("overdue_rate") == pytest.approx(1 / 3)


def test_the_tables_list_the_actions_the_tiles_count(pack: ReviewPack) -> None:
    # slip 31, 16 and 10 days, most first
    assert _ids(pack.slipped) == ["F2", "F3", "F1"]
    assert list(pack.slipped["slip_days"]) == [31, 16, 10]
    assert len(pack.slipped) == pack.kpi("slipped_count")
    assert _ids(pack.moved) == ["F2"]
    assert len(pack.moved) == pack.kpi("rescheduled_count")
    assert _ids(pack.late) == ["F3"]
    assert list(pack.late["days_overdue"]) == [16]
    assert int(pack.late["overdue"].sum()) == round(pack.kpi("overdue_rate") * pack.kpi("actions"))
    assert set(pack.slipped["department"]) | set(pack.moved["department"]) | set(
        pack.late["department"]) == {"Finance"}
    # the upload each late action was read from: Finance's March report
    finance = next(p for p in pack.departments if p.department == "Finance")
    assert finance.upload is not None
    assert list(pack.late["upload_id"]) == [finance.upload["upload_id"]]


def test_the_tables_are_the_slippage_pages(con: db.Connection, pack: ReviewPack) -> None:
    # the page's calls with the same filters: moved and late actions, and the actions it draws
    assert_frame_equal(pack.moved, steady(views.moved_actions(con, Q1)))
    assert_frame_equal(pack.late.drop(columns="upload_id"), steady(views.late_actions(con, Q1)))
    figures = action_figures(con, Q1)
    slipped = figures[(figures["status"] != "Cancelled") & (figures["slip_days"].fillna(0) > 0)]
    assert sorted(_ids(pack.slipped)) == sorted(_ids(slipped))


def test_operations_slips_stay_in_its_own_part(pack: ReviewPack) -> None:
    operations = next(p for p in pack.departments if p.department == "Operations")
    rows = operations.actions.set_index("action_id")
    assert rows.loc["O1", "slip_days"] == 28 and bool(rows.loc["O1", "rescheduled"])
    assert rows.loc["O2", "slip_days"] == 13 and bool(rows.loc["O2", "overdue"])


def test_the_reports_slippage_section_counts_what_it_lists(pack: ReviewPack) -> None:
    html = pack_html(pack)
    section = html[html.index('<section id="slippage"'):]
    section = section[:section.index("</section>")]
    assert ("The tiles and tables are of March 2026. Operations has reported the period only up "
            "to February 2026: its actions are in its own section under Departments.") in section
    tiles = dict(re.findall(r'<div class="label"[^>]*>([^<]*)</div><div class="value"[^>]*>'
                            r"([^<]*)</div>", section))
    assert tiles["Slipped actions"] == "3"
    assert tiles["Rescheduled"] == "1"
    assert tiles["Overdue"] == "33.3%"
    counts = {}
    for title, count, body in re.findall(r"<h3>([^<(]+) \((\d+)\)</h3>(.*?)(?=<h3>|$)", section,
                                         flags=re.S):
        counts[title] = (int(count), re.findall(r'<td class="nowrap">([FO]\d)</td>', body))
    assert counts == {"Slipped actions": (3, ["F2", "F3", "F1"]),
                      "Rescheduled actions": (1, ["F2"]),
                      "Overdue and forecast-late actions": (1, ["F3"])}


def test_the_workbook_gives_the_same_figures(pack: ReviewPack) -> None:
    wb = load_workbook(io.BytesIO(pack_xlsx(pack)))
    summary = wb["Summary"]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert values["Slipped actions"] == 3
    assert values["Rescheduled"] == 1
    assert values["Overdue"] == pytest.approx(1 / 3)
