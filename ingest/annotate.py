"""The annotated error workbook (SPEC §2.6): the submitted file with bad cells marked and explained."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string

from ingest.problems import Problem
from ingest.read import ZIP_MAGIC, read_csv

ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
WARNING_FILL = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
SUMMARY_SHEET = "Lekgotla problems"


def _workbook(data: bytes, file_name: str) -> Workbook:
    if data.startswith(ZIP_MAGIC):
        keep_vba = PurePosixPath(file_name.lower()).suffix == ".xlsm"
        return load_workbook(io.BytesIO(data), keep_vba=keep_vba)
    sheet = read_csv(data, file_name).sheets[0]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet.name[:31] or "Sheet1"
    for row in sheet.rows:
        ws.append(list(row))
    return wb


def annotate(data: bytes, file_name: str, problems: list[Problem]) -> bytes:
    """The workbook with each problem cell filled (red error, amber warning) and its message as a comment.

    Problems without a cell are listed on an added sheet, as are all problems, so nothing is lost.
    """
    wb = _workbook(data, file_name)
    for p in problems:
        if not p.sheet or p.row is None or p.sheet not in wb.sheetnames:
            continue
        ws = wb[p.sheet]
        col = column_index_from_string(p.column) if p.column else 1
        cell = ws.cell(row=p.row, column=col)
        fill = ERROR_FILL if p.severity == "error" else WARNING_FILL
        if p.severity == "error" or cell.fill != ERROR_FILL:
            cell.fill = fill
        text = f"{p.severity.upper()}: {p.message}"
        if cell.comment is not None and cell.comment.author == "Lekgotla":
            text = cell.comment.text + "\n" + text
        comment = Comment(text, "Lekgotla")
        comment.width, comment.height = 320, 120
        cell.comment = comment
    if SUMMARY_SHEET in wb.sheetnames:
        del wb[SUMMARY_SHEET]
    ws = wb.create_sheet(SUMMARY_SHEET, 0)
    ws.append(["Severity", "Sheet", "Cell", "Column", "Value", "What to do"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for p in problems:
        ws.append([p.severity, p.sheet, p.cell, p.header, p.value, p.message])
    for letter, width in zip("ABCDEF", (10, 16, 8, 22, 24, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
