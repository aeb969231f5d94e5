"""The review pack as a workbook: a Summary sheet (the scope's KPIs with the change since the
previous period, the department league table with computed RAG, the departments that did not
report), a What changed sheet (the digest, metrics.digest), one sheet per department (its KPIs and every action with its figures and source) and a
Sources sheet (every upload read). Formatted for reading: frozen headers, column widths, percent,
currency and date formats, RAG cells in their colours. Text from the reports that a spreadsheet
would run as a formula is neutralised (SPEC §7); no cell holds a formula. The bytes depend only
on the pack (fixed document dates and zip timestamps), so the same data gives the same file.

Written with `presentation.xlsx_book.Book` (Office Open XML formed directly, a table a column at a time):
openpyxl's cell objects, styling and XML writing are too slow for a pack of many actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pandas as pd

from ingest.neutral import neutral
from ingest.words import plural
from metrics.kpi_catalogue import KPIS
from metrics.kpis import plain
from metrics.pack import ReviewPack
from metrics.pack_parts import DepartmentPart
from presentation import pack_across
from presentation.digest import digest_rows, heading
from presentation.export import neutral_texts
from presentation.pack_format import Col
from presentation.theme import (
    RAG_COLOURS,
    SUBMISSION_COLOURS,
    compared_over,
    compared_words,
    describe_filters,
    ink,
    kpi_value,
    period_label,
    period_span,
    provisional,
    report_months,
    same_departments,
    shown_difference,
)
from presentation.xlsx import column_letter
from presentation.xlsx_book import Book, Sheet, Style

NAVY, MUTED, WHITE = "1F4E79", "5D6D7E", "FFFFFF"
RULE = "D5DBE1"  # the thin line under each table cell
HEADER = Style(bold=True, colour=WHITE, fill=NAVY)
TABLE_HEADER = replace(HEADER, wrap=True, vertical="center")
TITLE = Style(bold=True, size=15, colour=NAVY)
SECTION = Style(bold=True, size=12, colour=NAVY)
NOTE = Style(italic=True, colour=MUTED)
BOLD = Style(bold=True)
LABEL = Style(bold=True, wrap=True, vertical="top")
KPI_HEAD = replace(LABEL, fill="D6E4F0")
FIXED_DATE = datetime(2000, 1, 1)
FORMATS: dict[str, str] = {
    "rate": "0.0%", "pct100": "0%", "progress": "0.0%", "percent": "0.0%", "date": "d mmm yyyy",
    "datetime": "d mmm yyyy hh:mm", "int": "0", "count": "0", "days": "0.0", "ratio": "0.00",
    "pp": '+0.0" pp";-0.0" pp";0.0" pp"', "signed": "+0;-0;0", "signed_days": '+0.0" days";-0.0" days";0.0" days"',
    "signed_ratio": "+0.00;-0.00;0.00",
}
# days as the HTML and the dashboard show them (metrics.formats.days): whole days from 10 on
WHOLE_DAYS = {"days": "0", "signed_days": '+0" days";-0" days";0" days"'}


def _format(kind: str, value: Any) -> str | None:
    """The number format of one value of `kind`: days of 10 or more (or whole) without a decimal,
    as every other rendering shows them; else the kind's."""
    v = plain(value)
    if kind in WHOLE_DAYS and isinstance(v, int | float) and (abs(v) >= 10 or float(v).is_integer()):
        return WHOLE_DAYS[kind]
    return FORMATS.get(kind)


# table kinds whose values are 0-100 points, written as fractions: a field (whole percents) and a
# KPI such as mean progress (one decimal)
PCT100 = ("pct100", "progress")
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
    Col("mean_progress", "Mean progress", "progress", 10),
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
DIGEST_COLUMNS: tuple[Col, ...] = (
    Col("department", "Department", width=18), Col("kind", "Kind", width=16),
    Col("change", "Change", "wrap", 90), Col("source", "Source", "wrap", 44),
)
SOURCE_COLUMNS: tuple[Col, ...] = (
    Col("upload_id", "Upload #", "int", 9), Col("department", "Department", "wrap", 28),
    Col("period", "Period", width=9), Col("use", "Read for", width=11),
    Col("file_name", "File", "wrap", 40), Col("sha256", "SHA-256", width=66),
    Col("submitted_at", "Submitted", "date", 12), Col("uploaded_at", "Uploaded", "datetime", 17),
    Col("uploaded_by", "Uploaded by", width=14), Col("row_count", "Rows", "int", 7),
    Col("warning_count", "Warnings", "int", 9), Col("versions", "Versions", "int", 9),
)


def cell_value(value: Any, kind: str) -> Any:
    """A value as written to a cell: dates as dates, 0–100 percentages as fractions, no NaN."""
    value = plain(value)
    if value is None:
        return None
    if kind in ("date", "datetime"):
        ts = pd.Timestamp(value)
        return ts.date() if kind == "date" else ts.to_pydatetime().replace(tzinfo=None)
    if kind in PCT100:
        return float(value) / 100
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return neutral(value)
    if isinstance(value, date | datetime):
        return value
    return value


def column_values(rows: pd.DataFrame, col: Col) -> list[Any]:
    """A table column's cell values (`cell_value` of each), dates and percentages a column at a
    time where the type allows it."""
    if col.key not in rows:
        return [None] * len(rows)
    values = rows[col.key]
    if col.kind == "date" and pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
        missing = stamps.isna().tolist()
        return [None if m else d for d, m in zip(stamps.dt.date.tolist(), missing, strict=True)]
    types = pd.api.types
    if col.kind in PCT100 and types.is_float_dtype(values.dtype):
        return [None if v != v else v for v in (values / 100).tolist()]
    if col.kind in ("date", "datetime", *PCT100) or not (
            types.is_string_dtype(values.dtype) or types.is_float_dtype(values.dtype)
            or types.is_integer_dtype(values.dtype)) or values.dtype == object:
        return [cell_value(v, col.kind) for v in values.tolist()]
    # text, float or integer (NaN or NA where missing): cell_value's work without its checks
    if types.is_string_dtype(values.dtype):
        return [v if isinstance(v, str) else None for v in neutral_texts(values)]
    return [None if v is pd.NA or v != v else v for v in values.tolist()]


def _number_format(kind: str, currency: str) -> str | None:
    if kind == "money":
        return '"' + currency.replace('"', "") + '" #,##0'
    return FORMATS.get(kind)


def _rag(style: Style, value: Any, colours: dict[str, str]) -> Style:
    """A RAG (or submission state) cell's style: bold on its colour in its ink (white or dark,
    4.5:1 or more), centred."""
    colour = colours.get(str(value))
    if not colour:
        return style
    return replace(style, bold=True, colour=ink(colour).lstrip("#"), fill=colour.lstrip("#"),
                   horizontal="center", vertical="top", wrap=False)


def write_table(sheet: Sheet, top: int, columns: Sequence[Col], rows: pd.DataFrame,
                currency: str, left: int = 1, colours: dict[str, str] | None = None) -> int:
    """Write a header row at `top` and the rows below it; returns the row after the table."""
    book = sheet.book
    header = book.style(TABLE_HEADER)
    sheet.block(top, left, [([neutral(col.header)], header) for col in columns])
    block: list[tuple[list[Any], int | list[int]]] = []
    for col in columns:
        values = column_values(rows, col)
        style = Style(number_format=_number_format(col.kind, currency), wrap=col.kind == "wrap",
                      vertical="top", rule=RULE)
        if col.kind == "rag":
            ids = {v: book.style(_rag(style, v, colours or RAG_COLOURS))
                   for v in sorted(set(map(str, values)))}  # in one order: the same bytes
            block.append((values, [ids[str(v)] for v in values]))
        elif col.kind == "days":
            block.append((values, [book.style(replace(style, number_format=_format("days", v)))
                                   for v in values]))
        else:
            block.append((values, book.style(style)))
    sheet.block(top + 1, left, block)
    return top + 1 + len(rows)


def _widths(sheet: Sheet, columns: Sequence[Col], left: int = 1) -> None:
    for i, col in enumerate(columns):
        sheet.widths[left + i] = col.width


def _title(sheet: Sheet, title: str, lines: Sequence[str]) -> None:
    sheet.cell(1, 1, neutral(title), sheet.book.style(TITLE))
    for i, line in enumerate(lines, start=2):
        sheet.cell(i, 1, neutral(line), sheet.book.style(NOTE))


def _kpi_rows(changes: pd.DataFrame) -> list[dict[str, Any]]:
    """Each KPI's label, kind, value, previous value, change and meaning. The change is the
    difference of the two figures as shown (a rate's in points), as the tiles and the digest
    give it."""
    by_name = {str(r["kpi"]): r for r in changes.to_dict("records")}

    def row(label: str, kind: str, name: str, meaning: str) -> dict[str, Any]:
        found = by_name[name]
        value, previous, now = (plain(found[c]) for c in ("value", "previous_value",
                                                          "compared_value"))
        change = (None if now is None or previous is None
                  else shown_difference(kind, previous, now))
        return {"label": label, "kind": kind, "value": value, "previous": previous,
                "compared_value": now, "change": change, "meaning": meaning,
                "compared_over": found.get("compared_over"), "compared": compared_words(found)}

    return [row("Actions (Cancelled left out)", "count", "actions",
                "The actions the KPIs count (A): the plan of the scope and month."),
            *(row(k.label, k.format, k.name, k.help) for k in KPIS)]


def _provisional(pack: ReviewPack) -> list[str]:
    """The dashboard's "Provisional" warning as a line, when some departments in scope have not
    reported the month of the figures."""
    if not pack.reporting.get("missing"):
        return []
    head, rest = provisional(pack.reporting)
    return [f"{head}. {rest}."]


def _kpi_value(kind: str, value: Any) -> Any:
    value = plain(value)
    if value is None:
        return None
    return float(value) / 100 if kind == "percent" else value


def _summary(book: Book, pack: ReviewPack) -> None:
    ws = book.sheet("Summary")
    f = pack.filters
    like = same_departments(compared_over(pack.changes))  # a provisional month: the reporters' own figures
    previous = (period_label(pack.previous_period) + like if pack.previous_period
                else "no earlier period")
    _title(ws, f"Lekgotla review pack — {describe_filters(f)}", [
        f"{period_span(f.period)}. Figures as of {period_label(pack.month)} (a quarter shows its "
        f"last month with data; each department its own last report). Compared with {previous}.",
        f"Stamp {pack.pack_id} · {plural(len(pack.uploads), 'report')} read (sheet Sources) · register "
        + (f"version {pack.register['register_version']} ({pack.register['file_name']})"
           if pack.register else "none loaded"),
        *_provisional(pack),
    ])
    top = 5
    headers = ["KPI", period_label(f.period), period_label(pack.previous_period) + like
               if pack.previous_period else "Previous", "Change", "Meaning"]
    for i, text in enumerate(headers, start=1):
        ws.cell(top, i, neutral(text), book.style(HEADER))
    ruled = Style(rule=RULE)
    for r, row in enumerate(_kpi_rows(pack.changes), start=top + 1):
        kind = str(row["kind"])
        ws.cell(r, 1, row["label"], book.style(replace(BOLD, rule=RULE)))
        for c, key in ((2, "value"), (3, "previous")):
            ws.cell(r, c, _kpi_value(kind, row[key]),
                    book.style(replace(ruled, number_format=_format(kind, row[key]))))
        ws.cell(r, 4, plain(row["change"]),
                book.style(replace(ruled, number_format=_format(CHANGE_FORMAT[kind], row["change"]))))
        # the column's head names the reporters; a rate of who reported compares every department
        whole = like and not same_departments(row["compared_over"])
        # a change over fewer departments than the month's figure (its previous month was
        # provisional, or a department reported first): which, and the figure it ends at, so
        # that the change can be checked against the previous column
        fewer = (f"{row['compared']} Their figure for {period_label(f.period)}: "
                 f"{kpi_value(kind, row['compared_value'])}. "
                 if row["compared"] and row["compared_value"] != row["value"] else "")
        ws.cell(r, 5, ("Its previous figure is over every department in scope, not only those "
                       "that reported: it counts who reported. " if whole else "") + fewer
                + row["meaning"], book.style(replace(NOTE, rule=RULE)))
    ws.freeze = "B6"
    league_top = top + len(KPIS) + 4
    ws.cell(league_top - 1, 1, "Department league table", book.style(SECTION))
    league = pack.ranked.assign(report_of=report_months(pack.ranked))
    end = write_table(ws, league_top, LEAGUE_COLUMNS, league, pack.currency)
    ws.cell(end + 1, 1, "Department RAG is computed from its actions: Red when at least a quarter "
            "are Red; Amber when at least a tenth are Red or a quarter Red or Amber; else Green.",
            book.style(NOTE))
    top = end + 4
    ws.cell(top - 1, 1, f"Departments that did not report in {period_label(f.period)}",
            book.style(SECTION))
    missing = pack.not_reported
    if missing.empty:
        ws.cell(top, 1, "Every department in scope reported every month.")
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


def _department(book: Book, pack: ReviewPack, part: DepartmentPart, name: str) -> None:
    ws = book.sheet(name)
    f = pack.filters
    upload = part.upload
    source = (f"Report of {period_label(part.month)}: {upload['file_name']} (upload "
              f"{upload['upload_id']}, sha256 {str(upload['sha256'])[:12]})"
              if upload else f"No report in {period_label(f.period)}")
    _title(ws, f"{part.department} — {period_label(f.period)}", [source])
    ws.cell(1, 4, "Department RAG", book.style(BOLD))
    ws.cell(1, 5, part.rag, book.style(_rag(Style(), part.rag, RAG_COLOURS)))
    previous = plain(part.changes["previous_period"].iloc[0])
    labels = ["KPI", period_label(f.period),
              f"Change since {period_label(previous)}" if previous else "Change"]
    for r, text in enumerate(labels, start=4):
        ws.cell(r, 1, text, book.style(LABEL))
    for c, row in enumerate(_kpi_rows(part.changes), start=2):
        kind = str(row["kind"])
        ws.cell(4, c, row["label"], book.style(KPI_HEAD))
        ws.cell(5, c, _kpi_value(kind, row["value"]),
                book.style(Style(number_format=_format(kind, row["value"]))))
        ws.cell(6, c, plain(row["change"]),
                book.style(Style(number_format=_format(CHANGE_FORMAT[kind], row["change"]))))
    ws.heights[4] = 32
    top = 8
    end = write_table(ws, top, ACTION_COLUMNS, part.actions, pack.currency)
    ws.freeze = f"C{top + 1}"
    if len(part.actions):
        ws.auto_filter = f"A{top}:{column_letter(len(ACTION_COLUMNS) - 1)}{end - 1}"
    _widths(ws, ACTION_COLUMNS)
    ws.widths[1] = 13


def _what_changed(book: Book, pack: ReviewPack, name: str) -> None:
    ws = book.sheet(name)
    previous = period_label(pack.previous_period) if pack.previous_period else "no earlier period"
    _title(ws, heading(pack.previous_period), [
        f"The changes of {period_label(pack.filters.period)} since {previous}, most important "
        "first, each with the file, sheet and row of the actions it names (docs/digest.md)."])
    top = 4
    write_table(ws, top, DIGEST_COLUMNS, digest_rows(pack.digest), pack.currency)
    ws.freeze = f"A{top + 1}"
    _widths(ws, DIGEST_COLUMNS)


def _sources(book: Book, pack: ReviewPack, name: str) -> None:
    ws = book.sheet(name)
    _title(ws, "Sources: every report this pack read", [
        "Read for: figures — the report whose actions the pack shows; comparison — the previous "
        "period's figures; history — trends and due-date moves.",
        f"Stamp {pack.pack_id} = SHA-256 of the filters, the settings, the register and the "
        "(upload #, SHA-256) of each report below.",
    ])
    top = 5
    write_table(ws, top, SOURCE_COLUMNS, pack.uploads, pack.currency)
    ws.freeze = f"A{top + 1}"
    _widths(ws, SOURCE_COLUMNS)


def _across(book: Book, pack: ReviewPack, name: str) -> None:
    """The cross-department section (presentation.pack_across) as a sheet: its headline, then
    the initiatives, each department's dependencies and the blocked actions."""
    a = pack.across
    if a is None:
        return
    ws = book.sheet(name)
    _title(ws, "Across departments: dependencies and initiatives",
           [pack_across.headline(pack), pack_across.LEAD])
    top = 5
    for title, columns, rows, none in (
            ("Initiatives", pack_across.INITIATIVES, a.initiatives,
             "No cross-department initiative has an action in scope."),
            ("Dependencies by department", pack_across.DEPARTMENTS, a.departments,
             "No action waits on another department's."),
            (pack_across.BLOCKED_TITLE, pack_across.BLOCKED, pack_across.sources(a.blocked),
             "No action waits on a late action of another department.")):
        ws.cell(top, 1, neutral(f"{title} ({len(rows)})"), book.style(SECTION))
        if rows.empty:
            ws.cell(top + 1, 1, none)
            top += 4
        else:
            top = write_table(ws, top + 1, columns, rows, pack.currency) + 2
    _widths(ws, pack_across.BLOCKED)


def _fixed_moment(pack: ReviewPack) -> datetime:
    """The workbook's document date: the latest upload it read (no clock time in the file)."""
    stamps = [pd.Timestamp(v) for v in pack.uploads["uploaded_at"] if plain(v) is not None]
    if not stamps:
        return FIXED_DATE
    latest: datetime = max(stamps).to_pydatetime()
    return latest.replace(tzinfo=None, microsecond=0)


def pack_xlsx(pack: ReviewPack) -> bytes:
    """The review pack workbook (see the module docstring) as bytes."""
    book = Book()
    _summary(book, pack)
    _what_changed(book, pack, "What changed")
    _across(book, pack, "Across departments")
    taken = {"summary", "what changed", "across departments", "sources"}
    for part in pack.departments:
        _department(book, pack, part, _sheet_name(part.department, taken))
    _sources(book, pack, "Sources")
    return book.save(title=neutral(f"Lekgotla review pack {pack.filters.period}"),
                     creator="Lekgotla", identifier=pack.pack_id, moment=_fixed_moment(pack))
