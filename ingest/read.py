"""Read a workbook or CSV into plain rows of cell values, refusing what is not safe to parse.

Every check that can be made before parsing is made first (size, file type, encryption,
uncompressed size), so a zip bomb or a renamed file costs nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree

import python_calamine as pc
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET

from ingest.cells import clean_text, unclean
from ingest.errors import IngestError
from ingest.headers import find_header_row
from ingest.problems import column_letter

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
DEFAULT_MAX_ROWS = 5000  # the `max_rows` setting's default


Merged = tuple[int, int, int, int]
# a sheet as read: its rows, formula cells without a value, cells showing an error, merged ranges
Loaded = tuple[list[list[Any]], list[str], list[tuple[str, str]], list[Merged]]


@dataclass
class Sheet:
    """One visible sheet: `rows[i][j]` is the cell at Excel row i+1, column j+1 (None if empty).

    A workbook's sheets are read when first used, so a report's notes and cover sheets cost nothing.
    """

    name: str
    _rows: list[list[Any]] | None = None
    _formulas: list[str] | None = None
    _errors: list[tuple[str, str]] | None = None
    _merged: list[Merged] | None = None
    _load: Callable[[], Loaded] | None = None

    def _ensure(self) -> None:
        if self._rows is None:
            assert self._load is not None
            self._rows, self._formulas, self._errors, self._merged = self._load()

    @property
    def rows(self) -> list[list[Any]]:
        self._ensure()
        assert self._rows is not None
        return self._rows

    @property
    def formula_cells_without_value(self) -> list[str]:
        """Cells with a formula but no cached value."""
        self._ensure()
        return self._formulas or []

    @property
    def error_cells(self) -> list[tuple[str, str]]:
        """(cell, shown error such as "#DIV/0!") for cells showing an Excel error."""
        self._ensure()
        return self._errors or []

    @property
    def merged_cells(self) -> list[Merged]:
        """The merged ranges, as (first row, first column, last row, last column), 0-based like
        `rows`: only the first cell of each holds its value."""
        self._ensure()
        return self._merged or []


@dataclass
class Workbook:
    """The visible sheets of a file, in workbook order; `kind` is 'xlsx' or 'csv'."""

    file_name: str
    kind: str
    sheets: list[Sheet]
    hidden_sheets: list[str] = field(default_factory=list)


def _check_zip(data: bytes, file_name: str, max_uncompressed: int) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise IngestError(
            f"{file_name} is damaged or incomplete (the workbook's zip structure cannot be read). "
            "Open it in Excel, save it again as .xlsx and upload that copy.",
            "The file is damaged",
        ) from e
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise IngestError(
            f"{file_name} unpacks to {total / 1e6:,.0f} MB, more than the {max_uncompressed / 1e6:,.0f} MB "
            "allowed. Remove images and unused sheets, or split the report.",
            "The workbook is too large",
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise IngestError(
            f"{file_name} is a zip file but not an Excel workbook. Save it from Excel as .xlsx.",
            "Not a spreadsheet",
        )
    return archive


def _local(tag: str) -> str:
    """An XML name without its namespace: `{ns}sheet` -> `sheet`."""
    return tag.rsplit("}", 1)[-1]


def _xml_root(archive: zipfile.ZipFile, part: str) -> ElementTree.Element | None:
    """A small workbook part parsed by a defused XML parser (linear, no entities), or None when
    it is absent or not XML (calamine then says what is wrong)."""
    try:
        return DefusedET.fromstring(archive.read(part))
    except (KeyError, ElementTree.ParseError, DefusedXmlException, ValueError):
        return None


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the workbook (empty when the parts cannot be read)."""
    wb = _xml_root(archive, "xl/workbook.xml")
    rels = _xml_root(archive, "xl/_rels/workbook.xml.rels")
    if wb is None or rels is None:
        return {}
    targets: dict[str, str] = {}
    for el in rels.iter():
        if _local(el.tag) == "Relationship" and el.get("Id") and el.get("Target"):
            targets.setdefault(el.get("Id", ""), el.get("Target", ""))
    paths = {}
    for el in wb.iter():
        if _local(el.tag) != "sheet" or el.get("name") is None:
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        if rid is None or rid not in targets:
            continue
        target = targets[rid]
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        paths[el.get("name", "")] = path
    return paths


# A tag of the sheet XML: `<row ...>` or `<c ...>`, any namespace prefix. `[^<>]` keeps every
# attempt inside one tag, so a scan is linear in the size of the part whatever it holds.
_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^<>]*)>")
_ROW_NUMBER = re.compile(rb'\br\s*=\s*"([0-9]{1,10})"')
_CELL_REF = re.compile(rb'\br\s*=\s*"([A-Za-z]{1,4})([0-9]{1,10})"')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
# a cell with content, `r` first (as Excel and most writers put it): its tag is not self-closing
# and not followed at once by its end tag
_VALUED_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"[^<>]*+(?<!/)>(?!</)')
# the dense area of a sheet may hold this many cells per allowed action row: max_rows=5000 gives
# 2,000,000 cells (5,000 rows of 400 columns, or 100,000 rows of 20), a few hundred MB at most
CELLS_PER_ROW = 400
# a CSV may hold this many records more than `max_rows`: metadata, header, totals and blank lines
CSV_EXTRA_ROWS = 1000


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


@dataclass
class Extent:
    """How far a sheet's cells with content reach: the last row and column (1-based), each with
    the cell that reaches it."""

    rows: int = 0
    columns: int = 0
    row_cell: str = ""
    column_cell: str = ""

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def sheet_extent(xml: bytes) -> Extent:
    """The real extent of a sheet's cells, from the cells themselves (never the `<dimension>` tag,
    which can be wrong or absent). Empty cells (`<c .../>`, `<c ...></c>`, formatting only) do not
    count, as the reader leaves them out; cells and rows without an `r` take the next position."""
    cell_tags = sum(xml.count(b"<c" + end) for end in (b" ", b">", b"/>", b"\t", b"\n", b"\r"))
    if cell_tags != xml.count(b'<c r="') or _PREFIXED_CELL.search(xml):
        return _walked_extent(xml)
    # the usual case, every cell naming its place first: one pass of the regex engine
    refs = _VALUED_CELL.findall(xml)
    if not refs:
        return Extent()
    row_text = max(set(map(itemgetter(1), refs)), key=int)
    rows = int(row_text)
    letters = max(set(map(bytes.upper, map(itemgetter(0), refs))), key=lambda c: (len(c), c))
    columns = _column_number(letters)
    row_cell = next(c for c, r in refs if r == row_text).upper().decode()
    column_row = next(int(r) for c, r in refs if c.upper() == letters)
    return Extent(rows, columns, f"{row_cell}{rows}", f"{letters.decode()}{column_row}")


def _walked_extent(xml: bytes) -> Extent:
    """`sheet_extent` tag by tag, for sheets whose rows or cells leave out their `r`."""
    ext = Extent()
    row = col = 0
    for m in _SHEET_TAG.finditer(xml):
        attrs = m.group(2)
        if m.group(1) == b"row":
            found = _ROW_NUMBER.search(attrs)
            row = int(found.group(1)) if found else row + 1
            col = 0
            continue
        ref = _CELL_REF.search(attrs)
        if ref:
            col, row = _column_number(ref.group(1)), int(ref.group(2))
        else:
            col += 1
            row = max(row, 1)
        if attrs.endswith(b"/") or xml.startswith(b"</", m.end()):
            continue  # no content: not part of the range that is read
        if row > ext.rows:
            ext.rows, ext.row_cell = row, f"{column_letter(col - 1)}{row}"
        if col > ext.columns:
            ext.columns, ext.column_cell = col, f"{column_letter(col - 1)}{row}"
    return ext


def check_extent(ext: Extent, sheet: str, file_name: str, max_rows: int) -> None:
    """Refuse a sheet whose cells span more than `max_rows * CELLS_PER_ROW` cells, before it is read
    as a dense grid (one stray cell at XFD1048576 would otherwise ask for 17 billion cells)."""
    limit = max_rows * CELLS_PER_ROW
    if ext.cells <= limit:
        return
    column = column_letter(ext.columns - 1)
    where = (f"cell {ext.row_cell} (column {column}, row {ext.rows:,})" if ext.row_cell == ext.column_cell
             else f"column {column} (cell {ext.column_cell}) and row {ext.rows:,} (cell {ext.row_cell})")
    raise IngestError(
        f"Sheet {sheet!r} of {file_name} has content as far as {where}, a range of {ext.cells:,} cells: more than the {limit:,} Lekgotla reads in a sheet ({max_rows:,} rows of "
        f"{CELLS_PER_ROW} columns). Delete the stray content beyond the report's last column and row "
        "(select the empty columns and rows after it, Delete, save), or clear the used range, and "
        "upload it again.",
        "The sheet is too large",
    )


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^<>]*)>")
_REF = re.compile(rb'\br="([A-Z]{1,4}[0-9]{1,10})"')
_ERROR_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)<")


def _cell_issues(xml: bytes) -> tuple[list[str], list[tuple[str, str]]]:
    """Cells holding a formula with no cached value, and cells showing an Excel error (#N/A, #REF!...).

    A cell's body is what lies between its tag and the next cell's, so the scan stays linear."""
    if b"<f" not in xml and b't="e"' not in xml:
        return [], []
    missing: list[str] = []
    errors: list[tuple[str, str]] = []
    tags = list(_CELL_TAG.finditer(xml))
    for i, m in enumerate(tags):
        attrs = m.group(1)
        if attrs.endswith(b"/"):  # <c .../> holds nothing
            continue
        end = tags[i + 1].start() if i + 1 < len(tags) else len(xml)
        body = xml[m.end():end]
        close = body.find(b"</c>")
        body = body[:close] if close >= 0 else body
        ref = _REF.search(attrs)
        if not ref:
            continue
        cell = ref.group(1).decode()
        has_value = b"<v>" in body or b"<is>" in body
        if b"<f" in body and (not has_value or b"<v></v>" in body):
            missing.append(cell)
        elif b't="e"' in attrs:
            shown = _ERROR_VALUE.search(body)
            errors.append((cell, shown.group(1).decode() if shown else "#ERROR"))
    return missing, errors


def _sheet_xml(archive: zipfile.ZipFile, path: str | None) -> bytes:
    """The sheet's XML part; when its path is unknown, the worksheet part reaching farthest, so
    that the extent check still sees the largest range the reader could be asked for."""
    if path:
        try:
            return archive.read(path)
        except KeyError:
            pass
    parts = [i.filename for i in archive.infolist()
             if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    return max((archive.read(p) for p in parts), key=lambda x: sheet_extent(x).cells, default=b"")


def _sheet_loader(book: Any, archive: zipfile.ZipFile, name: str, path: str | None, file_name: str,
                  max_rows: int) -> Callable[[], Loaded]:
    def load() -> Loaded:
        xml = _sheet_xml(archive, path)
        check_extent(sheet_extent(xml), name, file_name, max_rows)  # before the dense read
        try:
            sheet = book.get_sheet_by_name(name)
            raw = sheet.to_python(skip_empty_area=False)
            merged = [(a, b, c, d) for (a, b), (c, d) in sheet.merged_cell_ranges or []]
        except Exception as e:  # calamine raises several error types for broken sheets
            raise IngestError(
                f"Sheet {name!r} of {file_name} cannot be read ({type(e).__name__}: {e}). "
                "Save the workbook again from Excel as .xlsx.",
                "The file is damaged",
            ) from e
        # empty text is an empty cell; text is cleaned (inline: a call per cell costs more)
        rows = [[None if v == "" else clean_text(v) if v.__class__ is str and unclean(v) else v
                 for v in row] for row in raw]
        missing, errors = _cell_issues(xml) if path else ([], [])
        return rows, missing, errors, merged

    return load


def read_xlsx(data: bytes, file_name: str, max_uncompressed: int, max_rows: int = DEFAULT_MAX_ROWS
              ) -> Workbook:
    """The visible sheets of an .xlsx/.xlsm workbook, read as data (cached formula values)."""
    archive = _check_zip(data, file_name, max_uncompressed)
    paths = _sheet_paths(archive)
    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        meta = book.sheets_metadata
    except pc.PasswordError as e:
        raise IngestError(
            f"{file_name} is protected with a password. Remove the password in Excel "
            "(File > Info > Protect Workbook) and save it as .xlsx.",
            "The workbook is password-protected",
        ) from e
    except Exception as e:  # calamine raises several error types for broken workbooks
        raise IngestError(
            f"{file_name} cannot be read as a workbook ({type(e).__name__}: {e}). "
            "Open it in Excel, save it again as .xlsx and upload that copy.",
            "The file is damaged",
        ) from e
    sheets: list[Sheet] = []
    hidden: list[str] = []
    for m in meta:
        if m.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        if m.visible != pc.SheetVisibleEnum.Visible:
            hidden.append(m.name)
            continue
        sheets.append(Sheet(m.name, _load=_sheet_loader(book, archive, m.name, paths.get(m.name), file_name,
                                                            max_rows)))
    return Workbook(file_name, "xlsx", sheets, hidden)


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 with or without BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab: the one that splits the first lines most consistently."""
    # the first lines only: splitting a whole large file would hold every line at once
    lines = [ln for ln in itertools.islice(io.StringIO(text, newline=None), 30) if ln.strip()]
    best, best_score = ",", -1.0
    for delim in (",", ";", "\t"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) / len(counts) * min(common, 50)
        if score > best_score:
            best, best_score = delim, score
    return best


def _records(text: str, delim: str, cap: int, file_name: str, max_rows: int) -> list[list[Any]]:
    """The CSV's records as cleaned rows, refused as soon as there are more than `cap` (before the
    whole list is built: a small file of many one-cell lines would otherwise take much memory)."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        records = list(itertools.islice(reader, cap + 1))
    except csv.Error as e:
        raise IngestError(f"{file_name} is not a readable CSV: {e}.", "Not a spreadsheet") from e
    if len(records) > cap:
        raise IngestError(
            f"{file_name} has more than {cap:,} lines: a report may hold at most {max_rows:,} action rows, "
            f"so this is more than the {max_rows:,} allowed. Split the report, or delete the lines "
            "after its last action.",
            "The file is too large",
        )
    return [[clean_text(v.strip()) or None for v in r] for r in records]


def read_csv(data: bytes, file_name: str, max_rows: int = DEFAULT_MAX_ROWS) -> Workbook:
    """A CSV as one sheet named after the file; row 1 is the first record.

    More than `max_rows + CSV_EXTRA_ROWS` records is refused before they are all held."""
    if b"\x00" in data:
        raise IngestError(
            f"{file_name} contains NUL bytes, so it is not a text CSV (it may be a binary file "
            "renamed .csv). Save it from Excel as CSV UTF-8 or as .xlsx.",
            "Not a spreadsheet",
        )
    text = decode_text(data)
    sniffed = sniff_delimiter(text)
    cap = max_rows + CSV_EXTRA_ROWS
    rows: list[list[Any]] = []
    # the delimiter under which a header row is recognised wins over the one that merely splits evenly
    for delim in (sniffed, *[d for d in (",", ";", "\t") if d != sniffed]):
        candidate = _records(text, delim, cap, file_name, max_rows)
        if not rows:
            rows = candidate
        if find_header_row(candidate) is not None:
            rows = candidate
            break
    name = clean_text(PurePosixPath(file_name).stem)
    return Workbook(file_name, "csv", [Sheet(name, rows, [], [])])


def _ole_kind(data: bytes) -> str | None:
    """What an Office file of the old (OLE) kind holds, by the names of its streams (UTF-16 in its
    directory): "encrypted" (a password-protected .xlsx), "xls" (a 97-2003 workbook, whatever
    its name says), or None when neither is found."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if any(name.encode("utf-16-le") in data for name in ("Workbook", "Book")):
        return "xls"
    return None


def read_workbook(data: bytes, file_name: str, *, max_bytes: int, max_uncompressed: int,
                  max_rows: int = DEFAULT_MAX_ROWS) -> Workbook:
    """Read any supported file, or raise IngestError saying why it cannot be read.

    `max_rows` (action rows a report may hold) bounds what is read: a sheet's range of cells
    (`check_extent`) and a CSV's lines."""
    if not data:
        raise IngestError(f"{file_name} is empty (0 bytes). Upload the saved file.", "The file is empty")
    if len(data) > max_bytes:
        raise IngestError(
            f"{file_name} is {len(data) / 1e6:,.1f} MB, more than the {max_bytes / 1e6:,.0f} MB upload limit. "
            "Remove images and unused sheets, or split the report.",
            "The file is too large",
        )
    suffix = PurePosixPath(file_name.lower()).suffix
    if data.startswith(OLE_MAGIC):
        kind = _ole_kind(data)
        if kind == "encrypted" or (kind is None and suffix in (".xlsx", ".xlsm")):
            raise IngestError(
                f"{file_name} is protected with a password (or encrypted). Remove the password in Excel "
                "and save it as .xlsx.",
                "The workbook is password-protected",
            )
        raise IngestError(
            f"{file_name} is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it as .xlsx.",
            "Save it as .xlsx",
        )
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, file_name, max_uncompressed, max_rows)
    if suffix in SPREADSHEET_SUFFIXES or suffix == ".xls":
        raise IngestError(
            f"{file_name} is not an Excel workbook even though its name ends in {suffix} "
            "(it may be a text or web page file renamed). Save it from Excel as .xlsx.",
            "Not a spreadsheet",
        )
    if suffix in CSV_SUFFIXES or suffix == "":
        return read_csv(data, file_name, max_rows)
    raise IngestError(
        f"{file_name} is not a spreadsheet Lekgotla reads. Upload an .xlsx, .xlsm or .csv file.",
        "Not a spreadsheet",
    )


def read_sheets(data: bytes, file_name: str, *, max_bytes: int, max_uncompressed: int,
                max_rows: int = DEFAULT_MAX_ROWS) -> Workbook:
    """`read_workbook` with every visible sheet read now and cut to `max_rows + CSV_EXTRA_ROWS`
    rows: plain data that can leave a worker process (the mapping editor's view of a file)."""
    wb = read_workbook(data, file_name, max_bytes=max_bytes, max_uncompressed=max_uncompressed,
                       max_rows=max_rows)
    keep = max_rows + CSV_EXTRA_ROWS
    sheets = [Sheet(s.name, s.rows[:keep], s.formula_cells_without_value, s.error_cells,
                    s.merged_cells) for s in wb.sheets]
    return Workbook(wb.file_name, wb.kind, sheets, wb.hidden_sheets)
