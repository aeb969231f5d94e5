"""`Book`: a workbook of several sheets with cell styles (number formats, fonts, fills, rules,
alignment), frozen panes, column widths, filters and print setup, written directly as Office
Open XML like `presentation.xlsx.xlsx_bytes` — the review pack's workbook. Text is always text, so no
cell can become a formula; the same content gives the same bytes.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from io import BytesIO
from typing import Any

from presentation.xlsx import _SPECIAL, _cell, _escape, column_letter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPE = "application/vnd.openxmlformats-officedocument."
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
BUILTIN_FORMATS = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss"  # a date cell without a format
_FONT = '<sz val="{size:g}"/>{colour}<name val="Calibri"/><family val="2"/>'
COMPRESS_LEVEL = 1  # openpyxl's 6 gives smaller files but is slower to write


@dataclass(frozen=True)
class Style:
    """How a `Book` cell looks: number format, font (bold, italic, size, colour), a solid fill, a
    thin rule below, alignment. Colours are RRGGBB; what is left out is Excel's default."""

    number_format: str | None = None
    bold: bool = False
    italic: bool = False
    size: float = 11
    colour: str | None = None
    fill: str | None = None
    rule: str | None = None
    wrap: bool = False
    horizontal: str | None = None
    vertical: str | None = None


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _colour(tag: str, rgb: str | None) -> str:
    return f'<{tag} rgb="FF{rgb.upper()}"/>' if rgb else ""


def _ids(items: list[str], item: str) -> int:
    if item not in items:
        items.append(item)
    return items.index(item)


def _styles_xml(styles: list[Style]) -> str:
    """The styles part: one cell format (xf) per style, in order, so a style's id is its index."""
    formats: list[str] = []
    fonts = [_FONT.format(size=11, colour="")]
    fills = ['<patternFill patternType="none"/>', '<patternFill patternType="gray125"/>']
    borders = ["<left/><right/><top/><bottom/><diagonal/>"]
    xfs = []
    for st in styles:
        fmt = 0
        if st.number_format:
            fmt = BUILTIN_FORMATS.get(st.number_format) or 164 + _ids(formats, st.number_format)
        font = _ids(fonts, ("<b/>" if st.bold else "") + ("<i/>" if st.italic else "")
                    + _FONT.format(size=st.size, colour=_colour("color", st.colour)))
        fill = _ids(fills, f'<patternFill patternType="solid">{_colour("fgColor", st.fill)}'
                           '<bgColor indexed="64"/></patternFill>') if st.fill else 0
        border = _ids(borders, '<left/><right/><top/><bottom style="thin">'
                               f'{_colour("color", st.rule)}</bottom><diagonal/>') if st.rule else 0
        align = "".join(f' {k}="{v}"' for k, v in (("horizontal", st.horizontal),
                        ("vertical", st.vertical), ("wrapText", st.wrap and "1")) if v)
        xfs.append(f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" '
                   f'xfId="0" applyNumberFormat="{int(fmt > 0)}" applyFont="{int(font > 0)}" '
                   f'applyFill="{int(fill > 0)}" applyBorder="{int(border > 0)}"'
                   + (f' applyAlignment="1"><alignment{align}/></xf>' if align else "/>"))
    numbers = "".join(f'<numFmt numFmtId="{164 + i}" formatCode="{_attr(f)}"/>'
                      for i, f in enumerate(formats))
    return (f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(formats)}">{numbers}</numFmts>' if formats else "")
            + f'<fonts count="{len(fonts)}">' + "".join(f"<font>{f}</font>" for f in fonts)
            + f'</fonts><fills count="{len(fills)}">' + "".join(f"<fill>{f}</fill>" for f in fills)
            + f'</fills><borders count="{len(borders)}">'
            + "".join(f"<border>{b}</border>" for b in borders)
            + '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            f'borderId="0"/></cellStyleXfs><cellXfs count="{len(xfs)}">' + "".join(xfs)
            + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>")


class Sheet:
    """One sheet of a `Book`: cells at (row, column), both counted from 1 as in Excel, and how
    the sheet opens (frozen panes, column widths, row heights, a filter) and prints (landscape,
    one page wide)."""

    def __init__(self, book: Book, name: str) -> None:
        self.book, self.name = book, name
        self.freeze: str | None = None  # the top-left cell that scrolls, e.g. "C9"
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.auto_filter: str | None = None  # e.g. "A8:Y178"
        self._rows: dict[int, dict[int, str]] = {}  # row -> first column of a block -> its cells
        self._width = 0

    def cell(self, row: int, column: int, value: Any, style: int = 0) -> None:
        """Put a value (None, bool, number, text, date, datetime) in a cell, with a style id
        from `Book.style`. A date without a number format is shown as yyyy-mm-dd; an empty
        cell with a style is kept for its look."""
        self.block(row, column, [([value], style)])

    def block(self, row: int, column: int, columns: Sequence[tuple[list[Any], int | list[int]]]
              ) -> None:
        """Put a block of cells from (row, column): per column its values and one style id or a
        style id per value. Formed a column at a time; blocks must not overlap."""
        formed = [self._column(row, column + i, values, styles)
                  for i, (values, styles) in enumerate(columns)]
        for r, cells in enumerate(zip(*formed, strict=True), start=row):
            self._rows.setdefault(r, {})[column] = "".join(cells)
        self._width = max(self._width, column + len(columns) - 1)

    def _column(self, row: int, column: int, values: list[Any], styles: int | list[int]
                ) -> list[str]:
        letter = column_letter(column - 1)
        each = styles if isinstance(styles, list) else [styles] * len(values)
        out = []
        for r, value, style in zip(range(row, row + len(values)), values, each, strict=True):
            ref, kind = f"{letter}{r}", type(value)
            s = f' s="{style}"' if style else ""
            if kind is str and value:  # the common types first, without _cell's checks
                text = _escape(value) if _SPECIAL.search(value) else value
                out.append(f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{text}'
                           "</t></is></c>")
                continue
            if kind is float and math.isfinite(value) or kind is int:
                out.append(f'<c r="{ref}"{s}><v>{value!r}</v></c>')
                continue
            if value is None:
                out.append(f'<c r="{ref}"{s}/>' if style else "")
                continue
            if isinstance(value, date):
                style = self.book.dated(style, value)
            out.append(_cell(ref, value, style) or (f'<c r="{ref}" s="{style}"/>' if style else ""))
        return out

    def xml(self, selected: bool) -> str:
        """The worksheet part."""
        rows, parts = sorted(set(self._rows) | set(self.heights)), []
        for r in rows:
            cells = self._rows.get(r, {})
            height = self.heights.get(r)
            ht = f' ht="{height:g}" customHeight="1"' if height else ""
            parts.append(f'<row r="{r}"{ht}>' + "".join(cells[c] for c in sorted(cells)) + "</row>")
        dimension = f"A1:{column_letter(max(self._width, 1) - 1)}{max(rows or [1])}"
        view = '<sheetView workbookViewId="0"' + (' tabSelected="1">' if selected else ">")
        if self.freeze:
            view += self._pane(self.freeze)
        cols = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                       for c, w in sorted(self.widths.items()))
        return (f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr><pageSetUpPr '
                f'fitToPage="1"/></sheetPr><dimension ref="{dimension}"/><sheetViews>{view}'
                '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>" + "".join(parts)
                + "</sheetData>"
                + (f'<autoFilter ref="{self.auto_filter}"/>' if self.auto_filter else "")
                + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
                'footer="0.5"/><pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                "</worksheet>")

    @staticmethod
    def _pane(cell: str) -> str:
        letters = cell.rstrip("0123456789")
        column = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters)))
        row = int(cell[len(letters):])
        if column == 1 and row == 1:
            return ""
        pane = {(True, True): "bottomRight", (False, True): "bottomLeft",
                (True, False): "topRight"}[(column > 1, row > 1)]
        split = (f' xSplit="{column - 1}"' if column > 1 else "") + (
            f' ySplit="{row - 1}"' if row > 1 else "")
        return (f'<pane{split} topLeftCell="{cell}" activePane="{pane}" state="frozen"/>'
                f'<selection pane="{pane}" activeCell="{cell}" sqref="{cell}"/>')


class Book:
    """A workbook of several styled sheets written directly as Office Open XML (as `xlsx_bytes`
    writes one plain table): text is always written as text, so no cell holds a formula, and
    the bytes depend only on what was put in (fixed zip timestamps and document dates)."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self._styles: list[Style] = [Style()]
        self._ids: dict[Style, int] = {Style(): 0}

    def style(self, style: Style) -> int:
        """The id of a cell style (registered on first use)."""
        found = self._ids.get(style)
        if found is None:
            found = self._ids[style] = len(self._styles)
            self._styles.append(style)
        return found

    def dated(self, style: int, value: date) -> int:
        """The style for a date value: `style`, given a date format if it has no number format."""
        if self._styles[style].number_format:
            return style
        fmt = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return self.style(replace(self._styles[style], number_format=fmt))

    def sheet(self, name: str) -> Sheet:
        """A new sheet after the others (the name must be a valid, unused sheet name)."""
        sheet = Sheet(self, name)
        self.sheets.append(sheet)
        return sheet

    def save(self, title: str, creator: str, identifier: str, moment: datetime) -> bytes:
        """The workbook as .xlsx bytes; `moment` is its created and modified date."""
        n = len(self.sheets)
        names = [_attr(s.name) for s in self.sheets]
        filters = "".join(  # Excel's name for a sheet's filter range, as Excel writes it
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            + _attr("'" + s.name.replace("'", "''") + "'!"
                    + re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", s.auto_filter)) + "</definedName>"
            for i, s in enumerate(self.sheets) if s.auto_filter)
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = {
            "[Content_Types].xml": (
                f'{_HEAD}<Types xmlns="{_PKG}/content-types"><Default Extension="rels" '
                f'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}spreadsheetml.'
                'sheet.main+xml"/>' + "".join(
                    f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPE}'
                    'spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
                + f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}spreadsheetml.'
                'styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/'
                'vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/'
                f'app.xml" ContentType="{_TYPE}extended-properties+xml"/></Types>'),
            "_rels/.rels": (
                f'{_HEAD}<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
                f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" '
                f'Type="{_PKG}/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{_REL}/extended-properties" '
                'Target="docProps/app.xml"/></Relationships>'),
            "docProps/core.xml": (
                f'{_HEAD}<cp:coreProperties xmlns:cp="{_PKG}/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
                'terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:creator>{_escape(creator)}</dc:creator><dc:title>{_escape(title)}</dc:title>"
                f"<dc:identifier>{_escape(identifier)}</dc:identifier>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                "</cp:coreProperties>"),
            "docProps/app.xml": (
                f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                f'2006/extended-properties"><Application>{_escape(creator)}</Application>'
                "</Properties>"),
            "xl/workbook.xml": (
                f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView '
                'activeTab="0"/></bookViews><sheets>' + "".join(
                    f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                    for i, name in enumerate(names, start=1))
                + "</sheets>" + (f"<definedNames>{filters}</definedNames>" if filters else "")
                + "</workbook>"),
            "xl/_rels/workbook.xml.rels": (
                f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">' + "".join(
                    f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
                + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                "</Relationships>"),
        }
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            def put(name: str, text: str) -> None:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, text.encode("utf-8"), compresslevel=COMPRESS_LEVEL)
            for name, text in parts.items():
                put(name, text)
            for i, sheet in enumerate(self.sheets, start=1):
                put(f"xl/worksheets/sheet{i}.xml", sheet.xml(selected=i == 1))
            put("xl/styles.xml", _styles_xml(self._styles))
        return buffer.getvalue()

