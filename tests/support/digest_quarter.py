"""A quarter's history for the digest (metrics.digest), loaded from Lekgotla's template as a
reviewer reported it: Finance and Operations, October 2025 to March 2026.

| department | Oct | Nov | Dec | Jan 2026      | Feb | Mar     |
| ---------- | --- | --- | --- | ------------- | --- | ------- |
| Finance    | yes | yes | yes | F3 Cancelled  | yes | yes     |
| Operations | yes | yes | yes | missing       | yes | missing |

Each report has a metadata block (rows 1–3) and its header on row 4: the first action is row 5.
Finance lists F1 (row 5), F2 (row 6) and F3 (row 7); January gives F3 Cancelled on row 7 and
February and March leave it out, as the template does (a Cancelled action is not carried). Every
report comes in on the 5th of the following month, before the deadline (the 7th).

Worked out by hand for Q1 2026 (January–March) against Q4 2025 (its last month, December):
- the organisation's quarter compares March with December: F3 was reported Cancelled in
  Finance_2026-01.xlsx row 7 (it is in no March row);
- Operations' last month with a report in Q1 is February; January's (due 7 Feb 2026) and
  March's (due 7 Apr 2026) reports never came in; Finance reported March, so March is a month
  of the quarter the organisation has reported.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from testdata import xlsx

from ingest import db

HEADER = ["Action ID", "Action", "Status", "Start date", "Due date", "Percent complete"]
MONTHS = ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03")
F3 = "Roll out cost centre budget dashboards"


def _finance(period: str) -> list[list[object]]:
    rows: list[list[object]] = [
        ["F1", "Close the year-end books", "In progress", "2025-07-01", "2026-12-31", 40],
        ["F2", "Migrate payroll to the new system", "In progress", "2025-07-01", "2026-12-31",
         50]]
    if period < "2026-01":
        rows.append(["F3", F3, "In progress", "2025-07-01", "2026-12-31", 20])
    elif period == "2026-01":
        rows.append(["F3", F3, "Cancelled", "2025-07-01", "2026-12-31", 20])
    return rows


def _operations(period: str) -> list[list[object]]:
    return [["O1", "Renew the fleet maintenance contract", "In progress", "2025-07-01",
             "2026-12-31", 30],
            ["O2", "Relocate the central stores", "In progress", "2025-07-01", "2026-12-31", 60]]


def build(target: Any = None) -> db.Connection:
    """A database holding the reports of the table above: `target` (a file), else a new one."""
    from backends import empty_connection

    from ingest.access import CLI
    from ingest.load import load_file

    con = db.connect(target) if target is not None else empty_connection()
    for period in MONTHS:
        year, month = int(period[:4]), int(period[5:])
        submitted = datetime(year + month // 12, month % 12 + 1, 5, 9)
        for department, rows in (("Finance", _finance(period)),
                                 ("Operations", _operations(period))):
            if department == "Operations" and period in ("2026-01", "2026-03"):
                continue
            data = xlsx([["Department", department], ["Reporting period", period], [], HEADER,
                         *rows])
            [o] = load_file(con, data, f"{department}_{period}.xlsx", user=CLI,
                            submitted_at=submitted)
            assert o.status == "accepted", o
    return con


def build_file(folder: Path) -> Any:
    """The history in a database of its own, closed so the dashboard can open it: a file in
    `folder`, or on the shared store (backends.LAKE) a store of its own."""
    from backends import LAKE, Lakes

    target: Any = Lakes.new() if LAKE else folder / "quarter.duckdb"
    con = build(target)
    if not LAKE:
        con.execute("CHECKPOINT")
    con.close()
    return target
