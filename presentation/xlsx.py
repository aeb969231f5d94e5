"""A table as a one-sheet .xlsx workbook, written directly as Office Open XML (`presentation.xlsx_book`
writes styled workbooks of several sheets the same way, from the cells formed here).

What `DataFrame.to_excel` (openpyxl) writes for an export — a bold header row, text as text,
numbers, booleans, dates with a date format — faster, because each column's cells
are formed at once instead of as one Python object per cell. Text is always written as text, so
no cell can ever become a formula.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Collection, Sequence
from datetime import date, datetime
from io import BytesIO
from typing import Any

import numpy as np
import pandas as pd

from ingest.cells import XML_ILLEGAL
from ingest.problems import column_letter as column_letter

_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (1900 date system, after 1900-03-01)
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what _escape changes
# 4: 0.0%, for fractions the pages show as percentages
DATE_STYLE, DATETIME_STYLE, HEADER_STYLE, PERCENT_STYLE = 1, 2, 3, 4

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/>'
    '{sheets}'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.styles+xml"/>'
    '</Types>')
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets>{sheets}</sheets></workbook>')
_SHEET = '<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '{sheets}'
    '<Relationship Id="rId{styles}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    '</Relationships>')
_SHEET_REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/>'
    '<numFmt numFmtId="166" formatCode="0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _escape(text: str) -> str:
    text = XML_ILLEGAL.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _text(ref: str, text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def _cell(ref: str, value: Any, style: int = 0) -> str:
    """One cell of any Python value ('' for an empty one), in cell style `style` (0: the
    export's own: none, or its date format for a date)."""
    s = f' s="{style}"' if style else ""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | np.integer):
        return f'<c r="{ref}"{s}><v>{int(value)}</v></c>'
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return _text(ref, "inf" if value > 0 else "-inf", style)
        return f'<c r="{ref}"{s}><v>{float(value)!r}</v></c>'
    if isinstance(value, datetime):  # before date: a datetime is a date too
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{style or DATETIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{style or DATE_STYLE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    text = str(value)
    return _text(ref, text, style) if text else ""


def _column_cells(values: pd.Series, letter: str, first_row: int, style: int = 0) -> list[str]:
    """Every cell of one column (spreadsheet rows from `first_row`), formed a column at a time
    where the type allows it; `style`: the column's number or date format (0: by its type)."""
    refs = [f"{letter}{i}" for i in range(first_row, first_row + len(values))]
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) and not values.hasnans:
        flags = values.to_numpy(dtype=bool)
        return [f'<c r="{r}" t="b"><v>{int(v)}</v></c>' for r, v in zip(refs, flags, strict=True)]
    if pd.api.types.is_object_dtype(dtype) and len(values):
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind == "string":  # text as object (as neutralise leaves it): treat it as text
            values, dtype = values.astype("str"), pd.StringDtype("pyarrow", na_value=np.nan)
        elif kind == "date":
            days = [(v - _EPOCH.date()).days if isinstance(v, date) else None
                    for v in values.tolist()]
            return ["" if d is None else f'<c r="{r}" s="{DATE_STYLE}"><v>{d}</v></c>'
                    for r, d in zip(refs, days, strict=True)]
    if pd.api.types.is_float_dtype(dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        if np.isfinite(numbers[~np.isnan(numbers)]).all():
            s = f' s="{style}"' if style else ""
            return ["" if v != v else f'<c r="{r}"{s}><v>{v!r}</v></c>'
                    for r, v in zip(refs, numbers.tolist(), strict=True)]
    if pd.api.types.is_integer_dtype(dtype):
        if values.hasnans:
            return [_cell(r, v) for r, v in zip(refs, values.astype(object), strict=True)]
        return [f'<c r="{r}"><v>{v}</v></c>' for r, v in zip(refs, values.tolist(), strict=True)]
    if pd.api.types.is_datetime64_dtype(dtype):
        stamps = values.dt.tz_localize(None) if getattr(dtype, "tz", None) else values
        serial = ((stamps - pd.Timestamp(_EPOCH)) / pd.Timedelta(days=1)).tolist()
        return ["" if v != v else f'<c r="{r}" s="{style or DATETIME_STYLE}"><v>{v!r}</v></c>'
                for r, v in zip(refs, serial, strict=True)]
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        escaped = values.str.replace(XML_ILLEGAL.pattern, "", regex=True).str.replace(
            "&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False).str.replace(
            ">", "&gt;", regex=False).str.replace("\r", "&#13;", regex=False)
        return ["" if not t else  # None or '': an empty cell
                f'<c r="{r}" t="inlineStr"><is><t xml:space="preserve">{t}</t></is></c>'
                for r, t in zip(refs, escaped.to_numpy(dtype=object, na_value=None), strict=True)]
    return [_cell(r, v) for r, v in zip(refs, values.tolist(), strict=True)]


ROWS_PER_CHUNK = 2000  # rows formed at once: the memory of a large export stays bounded


def _sheet_name(name: str) -> str:
    return (name[:31].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _notes_sheet(notes: Sequence[tuple[str, str]]) -> str:
    """A second sheet of (what, value) lines: what in bold in column A, the value as text in B."""
    rows = "".join(f'<row r="{i}">{_text(f"A{i}", what, HEADER_STYLE)}'
                   + (_text(f"B{i}", value) if value else "") + "</row>"
                   for i, (what, value) in enumerate(notes, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:B{max(len(notes), 1)}"/><cols><col min="1" max="1" width="22" '
            'customWidth="1"/><col min="2" max="2" width="90" customWidth="1"/></cols>'
            f"<sheetData>{rows}</sheetData></worksheet>")


def _style(values: pd.Series, percent: bool) -> int:
    """A column's format: a percentage for fractions the pages show as one; a date for moments
    that are all at midnight (a day, not a time); else by each cell's type."""
    if percent and pd.api.types.is_float_dtype(values.dtype):
        return PERCENT_STYLE
    if pd.api.types.is_datetime64_dtype(values.dtype):
        given = values.dropna()
        if len(given) and (given == given.dt.normalize()).all():
            return DATE_STYLE
    return 0


def xlsx_bytes(df: pd.DataFrame, sheet_name: str = "Data",
               notes: Sequence[tuple[str, str]] | None = None,
               notes_name: str = "Filters", percent: Collection[str] = ()) -> bytes:
    """The table as an .xlsx workbook: one sheet with the header row in bold, then one row per
    row (no index); empty cells (None, NaN, NaT, empty text) are left empty; the columns named in
    `percent` (fractions 0–1) in a percentage format, and dates without a time of day as dates.
    With `notes`, a second sheet `notes_name` lists them, one (what, value) a line (what an export
    holds). Text is written as text: neutralise it first (`presentation.export`)."""
    rows, width = df.shape
    styles = [_style(df.iloc[:, i], df.columns[i] in percent) for i in range(width)]
    letters = [column_letter(i) for i in range(width)]
    header = "".join(_text(f"{letter}1", str(name), HEADER_STYLE)
                     for letter, name in zip(letters, df.columns, strict=True))
    last = f"{letters[-1]}{rows + 1}" if width else "A1"
    names = [_sheet_name(sheet_name)] + ([_sheet_name(notes_name)] if notes is not None else [])
    numbers = range(1, len(names) + 1)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(n=n) for n in numbers)))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(
            _SHEET.format(name=name, n=n) for n, name in zip(numbers, names, strict=True))))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(
            sheets="".join(_SHEET_REL.format(n=n) for n in numbers), styles=len(names) + 1))
        z.writestr("xl/styles.xml", _STYLES)
        if notes is not None:
            z.writestr("xl/worksheets/sheet2.xml", _notes_sheet(notes))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<dimension ref="A1:{last}"/><sheetData><row r="1">{header}</row>'
            ).encode())
            for start in range(0, rows, ROWS_PER_CHUNK):
                chunk = df.iloc[start:start + ROWS_PER_CHUNK]
                first = start + 2
                columns = [_column_cells(chunk.iloc[:, i], letters[i], first, styles[i])
                           for i in range(width)]
                body = (["".join(cells) for cells in zip(*columns, strict=True)] if width
                        else [""] * len(chunk))
                sheet.write("".join(f'<row r="{i}">{cells}</row>'
                                    for i, cells in enumerate(body, start=first)).encode("utf-8"))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()
