"""A hostile report set: every free-text field carries Markdown, HTML and Streamlit-directive
payloads that would turn into links, images (tracking pixels), coloured text or LaTeX if a page,
chart or pack rendered report text as markup (issue 11, item 4).

    python tests/data/payload.py OUT.duckdb     # a database holding the payload reports

Two departments whose names carry payloads, a register whose objective titles, pillar, owner,
department heads and e-mails carry them, two months of reports (so trails, due-date moves, slips
and stale actions exist) whose action IDs, actions, responsible, resources, success metric,
risks, mitigation and comments carry them, read from files whose names carry them too.
"""

from __future__ import annotations

import io
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

# the payloads of issue 11 item 4, and a few more things Streamlit's Markdown turns into markup
PAYLOADS: tuple[str, ...] = (
    "[x](https://example.invalid/a)",
    "![t](https://example.invalid/pixel.png)",
    '<a href="https://example.invalid/b">b</a>',
    '<img src="https://example.invalid/i.png">',
    "https://example.invalid/c",
    ":red[x]",
    "$x$",
    ":material/warning:",
    "www.example.invalid/d",
    "<b>bold</b> **strong** _em_ `code` ~~gone~~",
    "mail@example.invalid",
)
PAYLOAD = " ".join(PAYLOADS)
HOST = "example.invalid"  # every payload points here: no request may reach it

# department names: a payload in each, different first words so that their keys differ
OPS = "Ops [x](https://example.invalid/a) <b>b</b>"
FIN = 'Fin <img src="https://example.invalid/i.png"> https://example.invalid/c :red[x] $x$'
DEPARTMENTS = (OPS, FIN)
OBJECTIVES = ("SO1", "SO2", "SO3")
MONTHS = ("2025-05", "2025-06")
HEADER = ["Action ID", "Action", "Objective ID", "Responsible", "Resources", "Budget allocated",
          "Budget spent", "Start date", "Due date", "Status", "Percent complete",
          "Completion date", "Success metric", "Target", "Actual", "Risks", "Risk level",
          "Mitigation", "Reason code", "Comments"]


def text(what: str) -> str:
    """A field's text: a few plain words, then every payload."""
    return f"{what} {PAYLOAD}"


def workbook(rows: list[list[Any]], sheets: dict[str, list[list[Any]]] | None = None) -> bytes:
    """Workbook bytes: `rows` on the first sheet (Actions), more sheets from `sheets`."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Actions"
    for r in rows:
        ws.append(r)
    for name, more in (sheets or {}).items():
        other = wb.create_sheet(name)
        for r in more:
            other.append(r)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    cell.data_type = "s"  # text, never a formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def register() -> bytes:
    """The strategy register: objective titles, pillar, owner; department heads and e-mails."""
    objectives = [["objective_id", "objective", "pillar", "owner", "priority"]]
    objectives += [[o, text(f"Objective {o}"), text("Pillar"), text("Owner"), i + 1]
                   for i, o in enumerate(OBJECTIVES)]
    departments = [["department", "head", "email"]]
    departments += [[d, text("Head"), f"head{i}@{HOST}"] for i, d in enumerate(DEPARTMENTS)]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Objectives"
    for r in objectives:
        ws.append(r)
    dep = wb.create_sheet("Departments")
    for r in departments:
        dep.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _actions(department: str, month: str) -> list[list[Any]]:
    """Five actions: one done, one late and slipping (its due date moves in June), one stale,
    one without a valid objective, one on track."""
    june = month == "2025-06"
    d = department.split()[0]
    return [
        [f"{d}-1 [x](https://example.invalid/a)", text("Publish the plan"), "SO1",
         text("Responsible"), text("Resources"), 100000, 90000, date(2025, 1, 6),
         date(2025, 5, 30), "Completed", 100, date(2025, 5, 28), text("Metric"), 10, 10,
         text("Risk"), "Low", text("Mitigation"), None, text("Comment")],
        [f"{d}-2 <b>b</b>", text("Move the office"), "SO2", text("Responsible"), None, 500000,
         400000, date(2025, 2, 3), date(2025, 8, 29) if june else date(2025, 5, 30), "Delayed",
         40 if june else 30, None, text("Metric"), None, None, text("Risk"), "High",
         text("Mitigation"), "Blocked by resources", text("Comment")],
        [f"{d}-3", text("Train the staff"), "SO3", text("Responsible"), None, 50000, 10000,
         date(2025, 1, 6), date(2025, 6, 30), "In progress", 20, None, None, None, None, None,
         None, None, None, text("Comment")],
        [f"{d}-4", text("Review the policy"), "SO9 <b>x</b>", text("Responsible"), None, 20000,
         5000, date(2025, 3, 3), date(2025, 5, 15), "At risk", 10, None, None, None, None,
         text("Risk"), "Medium", None, "Other", text("Comment")],
        [f"{d}-5", text("Open the new branch"), "SO1", text("Responsible"), None, 75000, 30000,
         date(2025, 4, 1), date(2025, 12, 15), "In progress", 50 if june else 35, None, None,
         None, None, None, None, None, None, None],
    ]


def report(department: str, month: str) -> bytes:
    """One department's report for one month, with its metadata block."""
    label = datetime.strptime(month, "%Y-%m").strftime("%B %Y")
    return workbook([["Department", department], ["Reporting period", label], [], HEADER,
                     *_actions(department, month)])


def file_name(department: str, month: str) -> str:
    """The uploaded file's name: the department's, payloads included (no path separator)."""
    return f"{department.replace('/', '_')} {month} <img src=x> [f](https:x).xlsx"


def build_database(path: Path) -> Path:
    """A database file holding the payload register and reports, closed so it can be copied."""
    from ingest import db
    from ingest.access import SYSTEM
    from ingest.load import load_file
    from ingest.register import load_register

    con = db.connect(path)
    load_register(con, register(), text("register") + ".xlsx", user=SYSTEM)
    for month in MONTHS:
        for department in DEPARTMENTS:
            outcomes = load_file(con, report(department, month), file_name(department, month),
                                 who=text("loader"), user=SYSTEM,
                                 submitted_at=datetime(int(month[:4]), int(month[5:]) + 1, 3))
            bad = [o for o in outcomes if o.status != "accepted"]
            assert not bad, [o.message for o in bad]
    con.execute("CHECKPOINT")
    con.close()
    return path


if __name__ == "__main__":
    print(build_database(Path(sys.argv[1])))
