"""A small history with a chain of dependencies across three departments (issue 16), loaded from
real report files through ingest, for the dependency tests of metrics and the command line.

Register: objective SO1; departments Finance, Health, Works; initiatives INI-1 "Clinic staffing"
(lead Health; Works, Health, Finance; target 31/12/2025) and INI-2 "Budget reform" (Finance; target
30/06/2025). Every department reports February and March 2025 (March: period_end 2025-03-31).

The chain, in March: Works W1 (late) → Health H1 → Finance F1 ("→": is waited for by).

| action | dept | start | due | status, % | depends on | initiative | budget (spent) |
| --- | --- | --- | --- | --- | --- | --- | --- |
| W1 | Works | 2025-01-01 | 2025-03-12 | In progress 50 | | INI-1 | 100 (80) |
| W2 | Works | 2025-02-01 | 2025-04-30 | In progress 50 | | INI-9 (not in the register) | |
| H1 | Health | 2025-02-01 | 2025-06-30 | Not started 0 | Works: W1 | INI-1 | 200 (0) |
| H2 | Health | 2025-06-01 | 2025-12-31 | Not started 0 | W2 (bare: Works') | Clinic staffing (by name) | |
| F1 | Finance | 2025-03-01 | 2025-09-30 | Not started 0 | Health: H1 | INI-1 | 100 (20) |
| F2 | Finance | 2025-02-01 | 2025-06-01 | In progress 50 | F3 (bare: its own) | INI-2 | 1000 (400) |
| F3 | Finance | 2025-01-01 | 2025-02-28 | Completed 2025-02-20 | | INI-2 | 500 (500) |

In February, H1 depends on nothing (its history keeps both).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from testdata import report

from ingest import db
from ingest.load import load_file
from ingest.register import load_register

HEADER = ["Action ID", "Action", "Objective ID", "Responsible", "Budget allocated", "Budget spent",
          "Start date", "Due date", "Status", "Percent complete", "Completion date", "Depends on",
          "Initiative"]


def _row(aid: str, action: str, budget: Any, spent: Any, start: date, due: date, status: str, pct: float,
         done: date | None = None, depends: str | None = None, initiative: str | None = None) -> list[Any]:
    return [aid, action, "SO1", "Owner", budget, spent, start, due, status, pct, done, depends, initiative]


D = date
REPORTS: dict[str, dict[str, list[list[Any]]]] = {
    "Works": {
        "2025-02": [
            _row("W1", "Deliver the clinic building materials", 100, 40, D(2025, 1, 1), D(2025, 3, 12),
                 "In progress", 30, initiative="INI-1"),
            _row("W2", "Repair the access road to the depot", None, None, D(2025, 2, 1), D(2025, 4, 30),
                 "Not started", 0, initiative="INI-9"),
        ],
        "2025-03": [
            _row("W1", "Deliver the clinic building materials", 100, 80, D(2025, 1, 1), D(2025, 3, 12),
                 "In progress", 50, initiative="INI-1"),
            _row("W2", "Repair the access road to the depot", None, None, D(2025, 2, 1), D(2025, 4, 30),
                 "In progress", 50, initiative="INI-9"),
        ],
    },
    "Health": {
        "2025-02": [
            _row("H1", "Recruit nurses for the new clinic", 200, 0, D(2025, 2, 1), D(2025, 6, 30),
                 "Not started", 0, initiative="INI-1"),
            _row("H2", "Open the clinic's mobile service", None, None, D(2025, 6, 1), D(2025, 12, 31),
                 "Not started", 0, depends="W2", initiative="Clinic staffing"),
        ],
        "2025-03": [
            _row("H1", "Recruit nurses for the new clinic", 200, 0, D(2025, 2, 1), D(2025, 6, 30),
                 "Not started", 0, depends="Works: W1", initiative="INI-1"),
            _row("H2", "Open the clinic's mobile service", None, None, D(2025, 6, 1), D(2025, 12, 31),
                 "Not started", 0, depends="W2", initiative="Clinic staffing"),
        ],
    },
    "Finance": {
        "2025-02": [
            _row("F1", "Fund the clinic's first year of running costs", 100, 0, D(2025, 3, 1),
                 D(2025, 9, 30), "Not started", 0, depends="Health: H1", initiative="INI-1"),
            _row("F2", "Publish the revised budget rules", 1000, 200, D(2025, 2, 1), D(2025, 6, 1),
                 "In progress", 20, depends="F3", initiative="INI-2"),
            _row("F3", "Agree the budget rules with the executive", 500, 500, D(2025, 1, 1),
                 D(2025, 2, 28), "Completed", 100, done=D(2025, 2, 20), initiative="INI-2"),
        ],
        "2025-03": [
            _row("F1", "Fund the clinic's first year of running costs", 100, 20, D(2025, 3, 1),
                 D(2025, 9, 30), "Not started", 0, depends="Health: H1", initiative="INI-1"),
            _row("F2", "Publish the revised budget rules", 1000, 400, D(2025, 2, 1), D(2025, 6, 1),
                 "In progress", 50, depends="F3", initiative="INI-2"),
            _row("F3", "Agree the budget rules with the executive", 500, 500, D(2025, 1, 1),
                 D(2025, 2, 28), "Completed", 100, done=D(2025, 2, 20), initiative="INI-2"),
        ],
    },
}
MONTH_WORDS = {"2025-02": "February 2025", "2025-03": "March 2025"}


def register_xlsx() -> bytes:
    """The register: Objectives, Departments and Initiatives sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Objectives"
    ws.append(["Objective ID", "Objective"])
    ws.append(["SO1", "Open the new clinic"])
    deps = wb.create_sheet("Departments")
    deps.append(["Department", "Head"])
    for name in ("Finance", "Health", "Works"):
        deps.append([name, f"Head of {name}"])
    ini = wb.create_sheet("Initiatives")
    ini.append(["Initiative ID", "Name", "Objective", "Lead department", "Member departments", "Target date"])
    ini.append(["INI-1", "Clinic staffing", "SO1", "Health", "Works; Health, Finance", D(2025, 12, 31)])
    ini.append(["INI-2", "Budget reform", "SO1", "Finance", "Finance", "30/06/2025"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_file(department: str, period: str, rows: list[list[Any]] | None = None) -> bytes:
    """One department's report for a month (rows: as REPORTS, unless given)."""
    return report(rows if rows is not None else REPORTS[department][period], department,
                  MONTH_WORDS.get(period, period), HEADER)


def build(path: Path | str) -> db.Connection:
    """A database at `path` with the register and every report (Works, then Health, then Finance,
    so that each reference names an action already reported)."""
    con = db.connect(str(path))
    load_register(con, register_xlsx(), "register.xlsx")
    for department in ("Works", "Health", "Finance"):
        for period in ("2025-02", "2025-03"):
            outcomes = load_file(con, report_file(department, period), f"{department}_{period}.xlsx")
            assert [o.status for o in outcomes] == ["accepted"], [o.message for o in outcomes]
    return con
