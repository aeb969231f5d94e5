"""A small hand-built history for the dependency pages (issue 16): June 2025 reports of three
departments with a late chain across them.

    IT-01 (Information Technology, due 31 May, 60%: overdue, Red)
      └─> HR-03 (Human Resources, due 31 Jul)  ─> FIN-05 (Finance, due 31 Aug)
    IT-02 (on time) ─> HR-04 (same department chain not late)

IT-01 is overdue on 30 June, so HR-03's dependency on it is late (IT-01 open and overdue): HR-03
is blocked. IT-01's forecast finish at its pace (60% in the 121 days 1 Mar → 30 Jun) is about
1 Mar + 202 days = 19 Sep, after HR-03's due date, so HR-03's forecast with its dependencies
passes its due date and FIN-05, which waits on HR-03, is blocked too: one late chain of three
actions in three departments. HR-04 waits on IT-02, which is on time: not late.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backends import LAKE, Lakes
from dashboard_helpers import HEADER, workbook

from ingest import db
from ingest.load import load_file

COLUMNS = [*HEADER, "Depends on", "Initiative"]
HOSTILE = '<img src=x onerror=alert(1)> **bold** [link](https://evil.example)'


def report(department: str, rows: list[list[Any]]) -> bytes:
    return workbook([["Department", department], ["Reporting period", "June 2025"], [],
                     COLUMNS, *rows])


def reports() -> list[tuple[str, bytes]]:
    """The three June 2025 reports (file name, bytes)."""
    return [
        ("Information Technology_2025-06.xlsx", report("Information Technology", [
            ["IT-01", "Procure laptops for the new recruits", "SO2", "Sipho Ndlovu", 900000,
             500000, "01/03/2025", "31/05/2025", "In progress", 60, None, "Supplier late",
             None, "INI-01"],
            ["IT-02", HOSTILE, "SO2", "Sipho Ndlovu", 50000, 20000, "01/05/2025",
             "30/09/2025", "In progress", 50, None, None, None, None],
        ])),
        ("Human Resources_2025-06.xlsx", report("Human Resources", [
            ["HR-03", "Onboard forty new recruits", "SO5", "Lerato Mokoena", 200000, 50000,
             "01/04/2025", "31/07/2025", "In progress", 40, None, None,
             "Information Technology: IT-01", "INI-01"],
            ["HR-04", "Induction training for new recruits", "SO5", "Lerato Mokoena", 80000,
             10000, "01/06/2025", "31/10/2025", "In progress", 10, None, None, "IT-02", None],
        ])),
        ("Finance_2025-06.xlsx", report("Finance", [
            ["FIN-05", "Pay the first salaries of the new recruits", "SO3", "Kagiso Molefe",
             10000, 0, "01/06/2025", "31/08/2025", "Not started", 0, None, None,
             "Human Resources: HR-03", "INI-01"],
        ])),
    ]


def build(path: Path) -> Path:
    """A database holding the three reports, closed so it can be copied: the file `path`, or on
    the shared store (backends.LAKE) a store of its own (a `ducklake:` address)."""
    target: Any = Lakes.new() if LAKE else path
    con = db.connect(target)
    for name, data in reports():
        [outcome] = load_file(con, data, name)
        assert outcome.status == "accepted", outcome.message
    if not LAKE:
        con.execute("CHECKPOINT")
    con.close()
    return target  # type: ignore[no-any-return]
