"""Department names in other scripts (issue 11, item 8), and a register and reports made with them.

Before the fix every one of these names had the empty key, so a report for one was stored as the
first one known, and the head of one passed the owner check of every other.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

NAMES: dict[str, str] = {
    "cyrillic": "Кадры",            # HR
    "cyrillic2": "Логистика",       # logistics
    "greek": "Οικονομικά",          # finance
    "arabic": "المالية",            # finance
    "hebrew": "משאבי אנוש",         # HR
    "cjk": "人事部",                 # HR
    "cjk2": "財務部",                # finance
    "devanagari": "कमल",            # kamal
    "devanagari2": "कमला",          # kamala: differs by a vowel sign only
}
# the same department written differently: each pair must have one key
SAME: tuple[tuple[str, str], ...] = (
    ("R&D", "R and D"), ("R&D", "r-and-d"), ("Кадры", "КАДРЫ"), ("Кадры", " кадры. "),
    ("Οικονομικά", "οικονομικά"), ("人事部", "人事部"), ("ＦＩＮＡＮＣＥ", "Finance"),
    ("Straße", "STRASSE"), ("Human Resources", "human-resources"),
)
NO_LETTERS: tuple[str, ...] = ("---", "—", "()", " ", "…", "_/_")


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An .xlsx whose sheets hold these rows from A1."""
    wb = Workbook()
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet(name)
        assert ws is not None
        ws.title = name
        first = False
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def register(departments: list[str]) -> bytes:
    """A strategy register with one objective and these departments (heads and emails made up)."""
    return workbook({
        "Objectives": [["Objective ID", "Objective"], ["SO1", "Deliver the plan"]],
        "Departments": [["Department", "Head", "Email"],
                        *[[d, f"Head {i}", f"head{i}@org.example"] for i, d in enumerate(departments)]],
    })


def report(department: str, period: str = "February 2025", action_id: str = "A-1") -> bytes:
    """A one-action report for `department` (metadata block, then the header and the action)."""
    return workbook({"Actions": [
        ["Department", department], ["Reporting period", period], [],
        ["Action ID", "Action", "Objective ID", "Status", "Percent complete"],
        [action_id, "Hire the staff the plan needs", "SO1", "In progress", 40],
    ]})
