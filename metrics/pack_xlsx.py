"""The review pack as a workbook: a Summary sheet (the scope's KPIs with the change since the
previous period, the department league table with computed RAG, the departments that did not
report), one sheet per department (its KPIs and every action with its figures and source) and a
Sources sheet (every upload read). Formatted for reading: frozen headers, column widths, percent,
currency and date formats, RAG cells in their colours. Text from the reports that a spreadsheet
would run as a formula is neutralised (SPEC §7); no cell holds a formula. The bytes depend only
on the pack (fixed document dates and zip timestamps), so the same data gives the same file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from copy import copy
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.theme import RAG_COLOURS, SUBMISSION_COLOURS
from metrics.export import FORMULA_STARTS
from metrics.kpis import plain
from metrics.pack import ReviewPack
from metrics.pack_format import KPIS, Col, describe_filters, period_label, period_span
from metrics.pack_parts import DepartmentPart

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=15, color="1F4E79")
SECTION_FONT = Font(bold=True, size=12, color="1F4E79")
NOTE_FONT = Font(italic=True, color="5D6D7E")
RULE = Border(bottom=Side(style="thin", color="D5DBE1"))
FIXED_DATE = datetime(2000, 1, 1)
FORMATS: dict[str, str] = {
    "rate": "0.0%", "pct100": "0%", "percent": "0.0%", "date": "d mmm yyyy",
    "datetime": "d mmm yyyy hh:mm", "int": "0", "count": "0", "days": "0.0", "ratio": "0.00",
    "pp": '+0.0" pp";-0.0" pp";0.0" pp"', "signed": "+0;-0;0", "signed_days": '+0.0" days";-0.0" days";0.0" days"',
    "signed_ratio": "+0.00;-0.00;0.00",
}
CHANGE_FORMAT = {"rate": "pp", "percent": "pp", "count": "signed", "days": "signed_days",
                 "ratio": "signed_ratio"}


ACTION_COLUMNS: tuple[Col, ...] = (
    Col("action_id", "Action ID", width=10), Col("action", "Action", "wrap", 46),
    Col("objective_id", "Objective", width=10), Col("responsible", "Responsible", "wrap", 20),
    Col("status", "Reported status", width=14), Col("rag", "Computed RAG", "rag", 11),
    Col("percent_complete", "Progress", "pct100", 10),
    Col("planned_progress", "Planned progress", "pct100", 10),
    Col("start_date", "Start", "date", 12), Col("due_date", "Due", "date", 12),
    Col("baseline_due_date", "Baseline due", "date", 12),
    Col("completion_date", "Completed on", "date", 12),
    Col("slip_days", "Slip (days)", "int", 9),
    Col("forecast_finish", "Forecast finish", "date", 12),
    Col("forecast_slip_days", "Forecast vs due (days)", "int", 10),
    Col("budget_allocated", "Budget", "money", 14), Col("budget_spent", "Spent", "money", 14),
    Col("reason_code", "Reason code", "wrap", 20), Col("risk_level", "Risk level", width=9),
    Col("comments", "Comments", "wrap", 50), Col("failed_checks", "Failed SMART checks", "wrap", 20),
    Col("file_name", "Source file", "wrap", 28), Col("sheet", "Sheet", width=12),
    Col("source_row", "Row", "int", 6), Col("upload_id", "Upload #", "int", 8),
)
LEAGUE_COLUMNS: tuple[Col, ...] = (
    Col("department", "Department", "wrap", 30), Col("department_rag", "RAG", "rag", 12),
    Col("rank", "Rank", "int", 12), Col("actions", "Actions", "int", 12),
    Col("report_of", "Report of", width=12), Col("completion_rate", "Completion", "rate", 11),
    Col("mean_progress", "Mean progress", "percent", 10),
    Col("on_time_rate", "On time", "rate", 10), Col("overdue_rate", "Overdue", "rate", 10),
    Col("slipped_count", "Slipped", "int", 9), Col("mean_slip_days", "Mean slip (days)", "days", 9),
    Col("rescheduled_count", "Rescheduled", "int", 11),
    Col("budget_utilisation", "Budget used", "rate", 10),
    Col("cost_performance_index", "CPI", "ratio", 8),
    Col("quality_pass_rate", "Quality pass", "rate", 10),
    Col("target_attainment", "Target attainment", "rate", 11),
    Col("smart_compliance", "SMART", "rate", 9), Col("alignment_rate", "Aligned", "rate", 9),
    Col("red", "Red", "int", 6), Col("amber", "Amber", "int", 7), Col("green", "Green", "int", 7),
    Col("complete", "Complete", "int", 9),
)
SOURCE_COLUMNS: tuple[Col, ...] = (
    Col("upload_id", "Upload #", "int", 9), Col("department", "Department", "wrap", 28),
    Col("period", "Period", width=9), Col("use", "Read for", width=11),
    Col("file_name", "File", "wrap", 40), Col("sha256", "SHA-256", width=66),
    Col("submitted_at", "Submitted", "date", 12), Col("uploaded_at", "Uploaded", "datetime", 17),
    Col("uploaded_by", "Uploaded by", width=14), Col("row_count", "Rows", "int", 7),
    Col("warning_count", "Warnings", "int", 9), Col("versions", "Versions", "int", 9),
)


def neutral(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, with a leading apostrophe (SPEC §7)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_value(value: Any, kind: str) -> Any:
    """A value as written to a cell: dates as dates, 0–100 percentages as fractions, no NaN."""
    value = plain(value)
    if value is None:
        return None
    if kind in ("date", "datetime"):
        ts = pd.Timestamp(value)
        return ts.date() if kind == "date" else ts.to_pydatetime().replace(tzinfo=None)
    if kind == "pct100":
        return float(value) / 100
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return neutral(value)
    if isinstance(value, date | datetime):
        return value
    return value


def _number_format(kind: str, currency: str) -> str | None:
    if kind == "money":
        return '"' + currency.replace('"', "") + '" #,##0'
    return FORMATS.get(kind)


def _rag(cell: Any, colours: dict[str, str]) -> None:
    colour = colours.get(str(cell.value))
    if colour:
        cell.fill = PatternFill("solid", fgColor=colour.lstrip("#"))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.alignment = Alignment(horizontal="center", vertical="top")


def write_table(ws: Worksheet, top: int, columns: Sequence[Col], rows: pd.DataFrame,
                currency: str, left: int = 1, colours: dict[str, str] | None = None) -> int:
    """Write a header row at `top` and the rows below it; returns the row after the table."""
    for i, col in enumerate(columns):
        cell = ws.cell(row=top, column=left + i, value=neutral(col.header))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    # Each column's cells share one style (a RAG cell one per colour): styled once, then copied —
    # openpyxl hashes every style object assigned, the cost of a table of thousands of rows.
    styles: dict[tuple[int, str | None], StyleArray] = {}
    for r, record in enumerate(rows.to_dict("records"), start=top + 1):
        for i, col in enumerate(columns):
            cell = ws.cell(row=r, column=left + i, value=cell_value(record.get(col.key), col.kind))
            fmt = _number_format(col.kind, currency)
            # without a format of its own a date cell takes openpyxl's date format
            key = (i, str(cell.value) if col.kind == "rag" else "date" if not fmt and cell.is_date
                   else None)
            style = styles.get(key)
            if style is not None:
                cell._style = copy(style)
                continue
            if fmt:
                cell.number_format = fmt
            cell.alignment = Alignment(wrap_text=col.kind == "wrap", vertical="top")
            cell.border = RULE
            if col.kind == "rag":
                _rag(cell, colours or RAG_COLOURS)
            styles[key] = copy(cell._style)
    return top + 1 + len(rows)


def _widths(ws: Worksheet, columns: Sequence[Col], left: int = 1) -> None:
    for i, col in enumerate(columns):
        ws.column_dimensions[get_column_letter(left + i)].width = col.width


def _title(ws: Worksheet, title: str, lines: Sequence[str]) -> None:
    ws.cell(row=1, column=1, value=neutral(title)).font = TITLE_FONT
    for i, line in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=neutral(line)).font = NOTE_FONT


def _kpi_rows(pack: ReviewPack, changes: pd.DataFrame) -> pd.DataFrame:
    by_name = changes.set_index("kpi")
    rows = [{"label": "Actions (Cancelled left out)", "kind": "count",
             "value": plain(by_name.loc["actions", "value"]),
             "previous": plain(by_name.loc["actions", "previous_value"]),
             "change": plain(by_name.loc["actions", "change"]), "meaning": "|A| of SPEC §5."}]
    for k in KPIS:
        change = plain(by_name.loc[k.name, "change"])
        if change is not None and k.kind in ("rate", "percent"):
            change = change * 100 if k.kind == "rate" else change
        rows.append({"label": k.label, "kind": k.kind, "value": plain(by_name.loc[k.name, "value"]),
                     "previous": plain(by_name.loc[k.name, "previous_value"]), "change": change,
                     "meaning": k.meaning, "name": k.name})
    return pd.DataFrame(rows)


def _kpi_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    return float(value) / 100 if kind == "percent" else value


def _summary(wb: Workbook, pack: ReviewPack) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = "Summary"
    f = pack.filters
    previous = period_label(pack.previous_period) if pack.previous_period else "no earlier period"
    _title(ws, f"Lekgotla review pack — {describe_filters(f)}", [
        f"{period_span(f.period)}. Figures as of {period_label(pack.month)} (a quarter shows its "
        f"last month with data; each department its own last report). Compared with {previous}.",
        f"Stamp {pack.pack_id} · {len(pack.uploads)} reports read (sheet Sources) · register "
        + (f"version {pack.register['register_version']} ({pack.register['file_name']})"
           if pack.register else "none loaded"),
    ])
    top = 5
    headers = ["KPI", period_label(f.period), period_label(pack.previous_period)
               if pack.previous_period else "Previous", "Change", "Meaning"]
    for i, text in enumerate(headers, start=1):
        cell = ws.cell(row=top, column=i, value=neutral(text))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for r, row in enumerate(_kpi_rows(pack, pack.changes).to_dict("records"), start=top + 1):
        kind = str(row["kind"])
        ws.cell(row=r, column=1, value=row["label"]).font = Font(bold=True)
        for c, key in ((2, "value"), (3, "previous")):
            cell = ws.cell(row=r, column=c, value=_kpi_value(kind, row[key]))
            cell.number_format = FORMATS["percent" if kind == "percent" else kind]
        change = ws.cell(row=r, column=4, value=plain(row["change"]))
        change.number_format = FORMATS[CHANGE_FORMAT[kind]]
        ws.cell(row=r, column=5, value=row["meaning"]).font = NOTE_FONT
        for c in range(1, 6):
            ws.cell(row=r, column=c).border = RULE
    ws.freeze_panes = ws.cell(row=top + 1, column=2)
    league_top = top + len(KPIS) + 4
    ws.cell(row=league_top - 1, column=1, value="Department league table").font = SECTION_FONT
    league = pack.league.assign(report_of=[period_label(str(m)) for m in pack.league["month"]])
    end = write_table(ws, league_top, LEAGUE_COLUMNS, league, pack.currency)
    ws.cell(row=end + 1, column=1, value="Department RAG is computed from its actions: Red when at "
            "least a quarter are Red; Amber when at least a tenth are Red or a quarter Red or "
            "Amber; else Green.").font = NOTE_FONT
    top = end + 4
    ws.cell(row=top - 1, column=1,
            value=f"Departments that did not report in {period_label(f.period)}").font = SECTION_FONT
    missing = pack.not_reported
    if missing.empty:
        ws.cell(row=top, column=1, value="Every department in scope reported every month.")
    else:
        write_table(ws, top, (Col("department", "Department"), Col("period", "Month"),
                              Col("state", "State", "rag"), Col("rejected", "Rejected files",
                                                                "int")),
                    missing, pack.currency, colours=SUBMISSION_COLOURS)
    _widths(ws, LEAGUE_COLUMNS)


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = clean[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def _department(wb: Workbook, pack: ReviewPack, part: DepartmentPart, name: str) -> None:
    ws = wb.create_sheet(name)
    f = pack.filters
    upload = part.upload
    source = (f"Report of {period_label(part.month)}: {upload['file_name']} (upload "
              f"{upload['upload_id']}, sha256 {str(upload['sha256'])[:12]})"
              if upload else f"No report in {period_label(f.period)}")
    _title(ws, f"{part.department} — {period_label(f.period)}", [source])
    ws.cell(row=1, column=4, value="Department RAG").font = Font(bold=True)
    rag = ws.cell(row=1, column=5, value=part.rag)
    _rag(rag, RAG_COLOURS)
    previous = plain(part.changes["previous_period"].iloc[0])
    labels = ["KPI", period_label(f.period),
              f"Change since {period_label(previous)}" if previous else "Change"]
    for r, text in enumerate(labels, start=4):
        cell = ws.cell(row=r, column=1, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    rows = _kpi_rows(pack, part.changes)
    for c, row in enumerate(rows.to_dict("records"), start=2):
        kind = str(row["kind"])
        head = ws.cell(row=4, column=c, value=row["label"])
        head.fill, head.font = PatternFill("solid", fgColor="D6E4F0"), Font(bold=True)
        head.alignment = Alignment(wrap_text=True, vertical="top")
        value = ws.cell(row=5, column=c, value=_kpi_value(kind, row["value"]))
        value.number_format = FORMATS["percent" if kind == "percent" else kind]
        change = ws.cell(row=6, column=c, value=plain(row["change"]))
        change.number_format = FORMATS[CHANGE_FORMAT[kind]]
    ws.row_dimensions[4].height = 32
    top = 8
    end = write_table(ws, top, ACTION_COLUMNS, part.actions, pack.currency)
    ws.freeze_panes = ws.cell(row=top + 1, column=3)
    if len(part.actions):
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(ACTION_COLUMNS))}{end - 1}"
    _widths(ws, ACTION_COLUMNS)
    ws.column_dimensions["A"].width = 13


def _sources(wb: Workbook, pack: ReviewPack, name: str) -> None:
    ws = wb.create_sheet(name)
    _title(ws, "Sources: every report this pack read", [
        "Read for: figures — the report whose actions the pack shows; comparison — the previous "
        "period's figures; history — trends and due-date moves.",
        f"Stamp {pack.pack_id} = SHA-256 of the filters, the settings, the register and the "
        "(upload #, SHA-256) of each report below.",
    ])
    top = 5
    write_table(ws, top, SOURCE_COLUMNS, pack.uploads, pack.currency)
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    _widths(ws, SOURCE_COLUMNS)


def _fixed_moment(pack: ReviewPack) -> datetime:
    """The workbook's document date: the latest upload it read (no clock time in the file)."""
    stamps = [pd.Timestamp(v) for v in pack.uploads["uploaded_at"] if plain(v) is not None]
    if not stamps:
        return FIXED_DATE
    latest: datetime = max(stamps).to_pydatetime()
    return latest.replace(tzinfo=None, microsecond=0)


def _reproducible(data: bytes, moment: datetime) -> bytes:
    """The same workbook with fixed zip entry timestamps and document dates (openpyxl stamps
    both with the clock on saving)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp,
                                 content)
            dst.writestr(fixed, content)
    return out.getvalue()


def pack_xlsx(pack: ReviewPack) -> bytes:
    """The review pack workbook (see the module docstring) as bytes."""
    wb = Workbook()
    moment = _fixed_moment(pack)
    wb.properties.creator = "Lekgotla"
    wb.properties.title = neutral(f"Lekgotla review pack {pack.filters.period}")
    wb.properties.identifier = pack.pack_id
    wb.properties.created = moment
    wb.properties.modified = moment
    _summary(wb, pack)
    taken = {"summary", "sources"}
    for part in pack.departments:
        _department(wb, pack, part, _sheet_name(part.department, taken))
    _sources(wb, pack, "Sources")
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible(buffer.getvalue(), moment)
