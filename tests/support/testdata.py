"""Where the test data lives, and tiny report workbooks made in code."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
REALDATA = ROOT.parent / "shared" / "realdata"

HEADER = ["Action ID", "Action", "Objective ID", "Responsible", "Budget allocated", "Budget spent",
          "Start date", "Due date", "Status", "Percent complete", "Completion date", "Reason code"]


def xlsx(rows: list[list[Any]], sheet: str = "Actions", extra_sheets: dict[str, list[list[Any]]] | None = None,
         hidden: tuple[str, ...] = ()) -> bytes:
    """Workbook bytes whose first sheet holds `rows` from A1."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for name, more in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for r in more:
            other.append(r)
        if name in hidden:
            other.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report(actions: list[list[Any]], department: str = "Finance", period: str = "February 2025",
           header: list[str] | None = None) -> bytes:
    """A template-like report: metadata block on rows 1-2, blank row 3, header on row 4, actions from row 5."""
    return xlsx([["Department", department], ["Reporting period", period], [], header or HEADER, *actions])
