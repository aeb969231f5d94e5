"""The annotated error workbook (SPEC §2.6): the submitted file with bad cells marked and explained."""

from __future__ import annotations

import io
import re
from pathlib import PurePosixPath

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string

from ingest.cells import XML_ILLEGAL
from ingest.errors import IngestError
from ingest.problems import Problem
from ingest.read import DEFAULT_MAX_ROWS, ZIP_MAGIC, read_csv

ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
WARNING_FILL = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
SUMMARY_SHEET = "Lekgotla problems"


def _text_cell(cell: Cell, value: object) -> None:
    cell.value = XML_ILLEGAL.sub("", value) if isinstance(value, str) else value
    if cell.data_type == "f":  # text that looks like a formula stays text
        cell.data_type = "s"


def _workbook(data: bytes, file_name: str, max_rows: int) -> tuple[Workbook, dict[str, str]]:
    """The workbook to annotate, and problem sheet name -> its sheet title in that workbook."""
    if data.startswith(ZIP_MAGIC):
        keep_vba = PurePosixPath(file_name.lower()).suffix == ".xlsm"
        wb = load_workbook(io.BytesIO(data), keep_vba=keep_vba)
        return wb, {n: n for n in wb.sheetnames}
    sheet = read_csv(data, file_name, max_rows).sheets[0]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = re.sub(r"[\[\]:*?/\\]", "_", sheet.name)[:31] or "Sheet1"
    for r, row in enumerate(sheet.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                _text_cell(ws.cell(row=r, column=c), value)
    return wb, {sheet.name: ws.title}


def annotate(data: bytes, file_name: str, problems: list[Problem], max_rows: int = DEFAULT_MAX_ROWS) -> bytes:
    """The workbook with each problem cell filled (red error, amber warning) and its message as a comment.

    Problems without a cell are listed on an added sheet, as are all problems, so nothing is lost.
    `max_rows` is the setting the file was read with (a CSV's lines are bounded by it).
    """
    wb, titles = _workbook(data, file_name, max_rows)
    for p in problems:
        if not p.sheet or p.row is None or p.sheet not in titles:
            continue
        ws = wb[titles[p.sheet]]
        col = column_index_from_string(p.column) if p.column else 1
        cell = ws.cell(row=p.row, column=col)
        if isinstance(cell, MergedCell):  # inside a merged range: its first cell holds the marks
            merged = next(r for r in ws.merged_cells.ranges if cell.coordinate in r)
            cell = ws.cell(row=merged.min_row, column=merged.min_col)
        fill = ERROR_FILL if p.severity == "error" else WARNING_FILL
        if p.severity == "error" or cell.fill != ERROR_FILL:
            cell.fill = fill
        text = f"{p.severity.upper()}: {p.message}"
        if cell.comment is not None and cell.comment.author == "Lekgotla":
            text = cell.comment.text + "\n" + text
        comment = Comment(XML_ILLEGAL.sub("", text), "Lekgotla")
        comment.width, comment.height = 320, 120
        cell.comment = comment
    _summary(wb, problems)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _summary(wb: Workbook, problems: list[Problem], note: str | None = None) -> None:
    """The sheet listing every problem, first in the workbook (after `note`, when there is one)."""
    if SUMMARY_SHEET in wb.sheetnames:
        del wb[SUMMARY_SHEET]
    ws = wb.create_sheet(SUMMARY_SHEET, 0)
    if note:
        _text_cell(ws.cell(row=1, column=1), note)
        ws.cell(row=1, column=1).font = Font(bold=True, color="9C0006")
        ws.append([])
    ws.append(["Severity", "Sheet", "Cell", "Column", "Value", "What to do"])
    header = ws.max_row
    for c in ws[header]:
        c.font = Font(bold=True)
    for r, p in enumerate(problems, start=header + 1):
        for c, value in enumerate((p.severity, p.sheet, p.cell, p.header, p.value, p.message), start=1):
            _text_cell(ws.cell(row=r, column=c), value)
    for letter, width in zip("ABCDEF", (10, 16, 8, 22, 24, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{header + 1}"


def problems_workbook(problems: list[Problem], note: str) -> bytes:
    """A workbook of the problem list alone, headed by `note` (why the file itself is not marked)."""
    wb = Workbook()
    default = wb.active
    _summary(wb, problems, note)
    if default is not None:
        wb.remove(default)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def annotate_bounded(data: bytes, file_name: str, problems: list[Problem], *, max_rows: int = DEFAULT_MAX_ROWS,
                     timeout_s: float = 30, memory_mb: int = 1024) -> bytes:
    """`annotate` in a worker process with the reading limits; when the file cannot be marked within
    them, the problem list alone, saying why, so the uploader still gets every problem."""
    from ingest.worker import run_bounded  # the worker preloads this module

    try:
        result = run_bounded(annotate, data, file_name, problems, max_rows, file_name=file_name,
                             timeout_s=timeout_s, memory_mb=memory_mb)
    except IngestError as e:
        return problems_workbook(problems, f"{file_name} could not be marked cell by cell: {e.message} "
                                 "Every problem is listed below.")
    assert isinstance(result, bytes)
    return result
