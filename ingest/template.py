"""The department's report workbook for a period: open actions pre-filled, drop-down lists, IDs locked;
and on a sheet of their own, to read, the actions completed earlier (the whole plan, README "The
plan carries over"). Those stay Completed without being reported again, so they are not rows of
the report: a later correction of the month they were completed in reaches every later month."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ingest import db
from ingest.access import User, require
from ingest.cells import XML_ILLEGAL
from ingest.load import options_for, sql
from ingest.neutral import neutral
from ingest.objectives import objective_order, sort_objectives
from ingest.values import QUALITY, REASON_CODES, RISK_LEVELS, STATUSES, Period
from ingest.words import period_words

# (canonical column, header written in the template, width)
TEMPLATE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("action_id", "Action ID", 12), ("action", "Action", 44), ("objective_id", "Objective ID", 14),
    ("responsible", "Responsible", 20), ("resources", "Resources", 22),
    ("budget_allocated", "Budget allocated", 16), ("budget_spent", "Budget spent", 14),
    ("start_date", "Start date", 12), ("due_date", "Due date", 12), ("status", "Status", 14),
    ("percent_complete", "Percent complete", 10), ("completion_date", "Completion date", 14),
    ("success_metric", "Success metric", 26), ("target", "Target", 10), ("actual", "Actual", 10),
    ("metric_direction", "Direction", 11), ("quality_review", "Quality review", 16),
    ("risk", "Risk", 26), ("risk_level", "Risk level", 10), ("mitigation", "Mitigation", 26),
    ("reason_code", "Reason code", 22), ("comments", "Comments", 36),
    ("depends_on", "Depends on", 24), ("initiative", "Initiative", 14),
)
HEADER_ROW = 6
EDITABLE_ROWS = 300  # blank rows below the pre-filled actions, open for new actions
HEADER_FILL = PatternFill("solid", start_color="1F4E79", end_color="1F4E79")
LOCKED_FILL = PatternFill("solid", start_color="E7E6E6", end_color="E7E6E6")
DATE_FORMAT = "dd/mm/yyyy"
DONE_SHEET = "Completed earlier"
# (canonical column, header, width) of the Completed earlier sheet: no Status or progress column,
# so it never reads as a report
DONE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("action_id", "Action ID", 12), ("action", "Action", 44), ("objective_id", "Objective ID", 14),
    ("responsible", "Responsible", 20), ("due_date", "Due date", 12),
    ("completion_date", "Completed on", 14), ("budget_allocated", "Budget allocated", 16),
    ("budget_spent", "Budget spent", 14),
)


def plan_actions(con: db.Connection, department: str, period: Period) -> list[dict[str, Any]]:
    """The department's plan from its report for `period`, else its last before it, Cancelled
    left out: the open actions first, then the Completed ones (`reported_for`: the month of the
    report it comes from). For a month already reported, the rows of its own report: the
    actions it cancelled too, and not the open ones it left out (plan_actions.sql)."""
    df = con.execute(sql("plan_actions"), {"d": department, "p": period.key}).df()
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in df.to_dict("records")]


def _missing(v: Any) -> bool:
    try:
        return bool(v != v) or v is None  # NaN / NaT / None
    except (TypeError, ValueError):
        return False


def _put(cell: Cell, value: Any) -> Cell:
    """Write `value`; text a spreadsheet would run gets the exports' apostrophe (SPEC §7) and is
    stored as a string, never a formula (uploaded back, the apostrophe is read away)."""
    # text stored before Lekgotla cleaned what it reads may hold characters no .xlsx can
    cell.value = neutral(XML_ILLEGAL.sub("", value) if isinstance(value, str) else value)
    if cell.data_type == "f":  # openpyxl makes any text starting with "=" a formula
        cell.data_type = "s"
    return cell


# What each drop-down's message calls a value of its list ("Choose an objective from the list.").
LIST_WORDS = {"status": "a status", "objective_id": "an objective", "quality_review": "a quality review",
              "reason_code": "a reason code", "risk_level": "a risk level",
              "metric_direction": "a direction (increase or decrease)", "initiative": "an initiative"}


def register_objectives(con: db.Connection, version: int | None) -> list[tuple[str, str, str, str]]:
    """Register `version`'s objectives as (code, title, pillar, owner), codes in natural order
    (SO2 before SO10)."""
    rows = con.execute(sql("register_objectives"), {"v": version}).fetchall()
    return sorted(((str(c), *("" if v is None else str(v) for v in rest)) for c, *rest in rows),
                  key=lambda r: objective_order(r[0]))


def _objectives_sheet(wb: Workbook, objectives: list[tuple[str, str, str, str]],
                      period_label: str) -> None:
    """A visible sheet listing each objective's code and title: the drop-down can hold only codes."""
    ws = wb.create_sheet("Objectives")
    _put(ws.cell(row=1, column=1), f"Strategic objectives of the register for {period_label}")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _put(ws.cell(row=2, column=1), "The Objective ID column of the Actions sheet takes the code "
         "from this list (its drop-down shows codes only); the title says what each one is.")
    ws.cell(row=2, column=1).alignment = Alignment(wrap_text=False)
    for j, (header, width) in enumerate((("Objective ID", 14), ("Objective", 80), ("Pillar", 26),
                                         ("Owner", 26)), start=1):
        c = ws.cell(row=4, column=j, value=header)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, row in enumerate(objectives, start=5):
        for j, value in enumerate(row, start=1):
            _put(ws.cell(row=i, column=j), value)
    if not objectives:
        _put(ws.cell(row=5, column=1), "No strategy register is loaded yet: ask the M&E team.")
    ws.freeze_panes = "A5"
    ws.protection.sheet = True  # a list to read, not to change


def _done_sheet(wb: Workbook, department: str, done: list[dict[str, Any]]) -> None:
    """A visible sheet, to read, of the department's actions completed earlier: the whole plan in
    the workbook, without making them rows of the report."""
    ws = wb.create_sheet(DONE_SHEET)
    _put(ws.cell(row=1, column=1), f"Actions of {department} completed in earlier months")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _put(ws.cell(row=2, column=1), "They stay Completed in Lekgotla without being reported again; "
         "to correct one, upload the report of the month it was completed in again.")
    for j, (_canon, header, width) in enumerate(DONE_COLUMNS, start=1):
        c = ws.cell(row=4, column=j, value=header)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, action in enumerate(done, start=5):
        for j, (canon, _h, _w) in enumerate(DONE_COLUMNS, start=1):
            value = action.get(canon)
            if isinstance(value, datetime):
                value = value.date()
            cell = _put(ws.cell(row=i, column=j), value)
            if canon in ("due_date", "completion_date"):
                cell.number_format = DATE_FORMAT
    if not done:
        _put(ws.cell(row=5, column=1), "None yet.")
    ws.freeze_panes = "A5"
    ws.protection.sheet = True  # a list to read, not to change


def _lists_sheet(wb: Workbook, objective_ids: list[str], initiative_ids: list[str]) -> dict[str, str]:
    ws = wb.create_sheet("Lists")
    lists = {"status": list(STATUSES), "objective_id": objective_ids, "quality_review": list(QUALITY),
             "reason_code": list(REASON_CODES), "risk_level": list(RISK_LEVELS),
             "metric_direction": ["increase", "decrease"], "initiative": initiative_ids}
    refs = {}
    for j, (name, values) in enumerate(lists.items(), start=1):
        ws.cell(row=1, column=j, value=name)
        for i, v in enumerate(values, start=2):
            _put(ws.cell(row=i, column=j), v)
        if values:
            letter = get_column_letter(j)
            refs[name] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"  # hidden sheets are never read back as data
    return refs


def build_template(con: db.Connection, department: str, period: Period, *, user: User) -> bytes:
    """An .xlsx a department head fills in for `period` (SPEC §7 Upload).

    AccessDenied (logged) unless `user` may download the template of `department`: admin, the
    M&E team, and the department's own heads (the `template` permission of `ingest.access`)."""
    require(con, user, "template", department, period.key)
    # the month's register: a correction after a new register keeps the objectives it was
    # judged against (the upload checks it against the same one)
    register = options_for(con).register_for(period.key)
    plan = plan_actions(con, department, period)
    # correcting a month already reported: what its own report completed stays to edit, not
    # read-only below (one carried into it was completed, and is corrected, in an earlier month)
    done = [a for a in plan if a["status"] == "Completed" and not (
        a["reported_for"] == period.key and a["carried_from"] is None
        and (a["completion_date"] is None or a["completion_date"] >= pd.Timestamp(period.start)))]
    actions = [a for a in plan if not any(a is b for b in done)]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Actions"
    ws["A1"] = "Lekgotla monthly status report"
    ws["A1"].font = Font(bold=True, size=14)
    meta = (("Department", department), ("Reporting period", period.label), ("Date submitted", None))
    for i, (label, value) in enumerate(meta, start=2):
        ws.cell(row=i, column=1, value=label).font = Font(bold=True)
        cell = _put(ws.cell(row=i, column=2), value)
        if label == "Date submitted":
            cell.number_format = DATE_FORMAT
            cell.protection = Protection(locked=False)
    for j, (_canon, header, width) in enumerate(TEMPLATE_COLUMNS, start=1):
        c = ws.cell(row=HEADER_ROW, column=j, value=header)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.cell(row=HEADER_ROW, column=1).comment = Comment(
        "Action IDs of continuing actions are locked so that their history stays joined. "
        "Add new actions in the empty rows below with a new ID.", "Lekgotla")
    first = HEADER_ROW + 1
    last = first + len(actions) + EDITABLE_ROWS - 1
    for r in range(first, last + 1):
        for j, (canon, _h, _w) in enumerate(TEMPLATE_COLUMNS, start=1):
            cell = ws.cell(row=r, column=j)
            prefilled = r - first < len(actions)
            cell.protection = Protection(locked=bool(prefilled and canon == "action_id"))
            if canon in ("start_date", "due_date", "completion_date"):
                cell.number_format = DATE_FORMAT
            if prefilled:
                prefill: Any = actions[r - first].get(canon)
                if isinstance(prefill, datetime):  # pandas gives timestamps; the sheet wants dates
                    prefill = prefill.date()
                if canon == "due_date" and prefill is None:
                    prefill = actions[r - first].get("due_text")
                _put(cell, prefill)
                if canon == "action_id":
                    cell.fill = LOCKED_FILL
                    carried = actions[r - first].get("carried_from")
                    if carried and actions[r - first].get("status") != "Completed":
                        # sent back untouched, month-old figures would read as this month's
                        cell.comment = Comment(
                            f"Not in your {period_words(actions[r - first]['reported_for'])} "
                            f"report: these are its {period_words(carried)} figures, as last "
                            "reported. Update them, or mark it Cancelled with a reason.",
                            "Lekgotla")
    objectives = register_objectives(con, register.version)
    refs = _lists_sheet(wb, sort_objectives(register.objective_ids),
                        sorted(set(register.initiatives.values()), key=objective_order))
    col_of = {canon: get_column_letter(j) for j, (canon, _h, _w) in enumerate(TEMPLATE_COLUMNS, start=1)}
    for canon, ref in refs.items():
        dv = DataValidation(type="list", formula1=f"={ref}", allow_blank=True, showErrorMessage=True,
                            errorTitle="Choose from the list", error=f"Choose {LIST_WORDS[canon]} from the list."
                            + (" The Objectives sheet gives each code's title." if canon == "objective_id" else ""))
        dv.add(f"{col_of[canon]}{first}:{col_of[canon]}{last}")
        ws.add_data_validation(dv)
    pct = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                         showErrorMessage=True, error="Progress is a percentage from 0 to 100.")
    pct.add(f"{col_of['percent_complete']}{first}:{col_of['percent_complete']}{last}")
    ws.add_data_validation(pct)
    ws.freeze_panes = ws.cell(row=first, column=3)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False
    info = wb.create_sheet("Instructions")
    for i, line in enumerate((
        f"Report for {department}, {period.label}.",
        "Update every action's status, progress, spend and dates; add new actions in the empty rows.",
        f"The '{DONE_SHEET}' sheet lists the actions completed in earlier months, so you see the "
        "whole plan: they stay Completed without being reported again.",
        "An open action left out of the report stays in the plan as last reported, flagged 'not "
        "reported': report it, or mark it Cancelled with a reason. To leave one out, clear its row "
        "but for the Action ID (the rows of this sheet cannot be deleted).",
        "Status, objective, quality review, reason code and risk level come from drop-down lists.",
        "The objective drop-down lists codes only: the Objectives sheet gives each code's title.",
        "Give a reason code for every action that is At risk or Delayed.",
        "Depends on: the actions this one waits for, separated by ';' — your own as FIN-03, another "
        "department's as 'Operations: OPS-02'. Initiative: the cross-department initiative it serves "
        "(drop-down).",
        "Dates as 28/02/2025; the due date may also be a phrase such as 'Week 2 (March)' or 'End of Q2'.",
        "Do not change the Action ID of a continuing action: its history is joined on it.",
    ), start=1):
        _put(info.cell(row=i, column=1), line)
    info.column_dimensions["A"].width = 110
    _done_sheet(wb, department, done)
    _objectives_sheet(wb, objectives, period.label)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
