"""Read a workbook or CSV into plain rows of cell values, refusing what is not safe to parse.

Every check that can be made before parsing is made first (size, file type, encryption,
uncompressed size), so a zip bomb or a renamed file costs nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import python_calamine as pc

from ingest.errors import IngestError
from ingest.headers import find_header_row

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass
class Sheet:
    """One visible sheet: `rows[i][j]` is the cell at Excel row i+1, column j+1 (None if empty).

    A workbook's sheets are read when first used, so a report's notes and cover sheets cost nothing.
    """

    name: str
    _rows: list[list[Any]] | None = None
    _formulas: list[str] | None = None
    _errors: list[tuple[str, str]] | None = None
    _load: Callable[[], tuple[list[list[Any]], list[str], list[tuple[str, str]]]] | None = None

    def _ensure(self) -> None:
        if self._rows is None:
            assert self._load is not None
            self._rows, self._formulas, self._errors = self._load()

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


@dataclass
class Workbook:
    """The visible sheets of a file, in workbook order; `kind` is 'xlsx' or 'csv'."""

    file_name: str
    kind: str
    sheets: list[Sheet]
    hidden_sheets: list[str] = field(default_factory=list)


def _clean(value: Any) -> Any:
    if value == "" or value is None:
        return None
    return value


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
            f"{file_name} is a zip file but not an Excel workbook. Save the report from Excel as .xlsx.",
            "Not a spreadsheet",
        )
    return archive


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the workbook."""
    wb = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    targets.update(
        {
            m.group(2): m.group(1)
            for m in re.finditer(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
        }
    )
    paths = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
        attrs = m.group(1)
        name = re.search(r'name="([^"]*)"', attrs)
        rid = re.search(r'r:id="([^"]*)"', attrs) or re.search(r'\bid="([^"]*)"', attrs)
        if not name or not rid or rid.group(1) not in targets:
            continue
        target = targets[rid.group(1)]
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        paths[_unescape(name.group(1))] = path
    return paths


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
        .replace("&apos;", "'").replace("&amp;", "&")
    )


_CELL_TAG = re.compile(rb"<c\b([^>]*?)(/?)>")
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_ERROR_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _cell_issues(archive: zipfile.ZipFile, path: str | None) -> tuple[list[str], list[tuple[str, str]]]:
    """Cells holding a formula with no cached value, and cells showing an Excel error (#N/A, #REF!...)."""
    if not path:
        return [], []
    try:
        xml = archive.read(path)
    except KeyError:
        return [], []
    if b"<f" not in xml and b't="e"' not in xml:
        return [], []
    missing: list[str] = []
    errors: list[tuple[str, str]] = []
    for m in _CELL_TAG.finditer(xml):
        if m.group(2):  # <c .../> holds nothing
            continue
        end = xml.find(b"</c>", m.end())
        body = xml[m.end():end if end >= 0 else len(xml)]
        ref = _REF.search(m.group(1))
        if not ref:
            continue
        cell = ref.group(1).decode()
        has_value = b"<v>" in body or b"<is>" in body
        if b"<f" in body and (not has_value or b"<v></v>" in body):
            missing.append(cell)
        elif b't="e"' in m.group(1):
            shown = _ERROR_VALUE.search(body)
            errors.append((cell, shown.group(1).decode() if shown else "#ERROR"))
    return missing, errors


def _sheet_loader(book: Any, archive: zipfile.ZipFile, name: str, path: str | None, file_name: str
                  ) -> Callable[[], tuple[list[list[Any]], list[str], list[tuple[str, str]]]]:
    def load() -> tuple[list[list[Any]], list[str], list[tuple[str, str]]]:
        try:
            raw = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as e:  # calamine raises several error types for broken sheets
            raise IngestError(
                f"Sheet {name!r} of {file_name} cannot be read ({type(e).__name__}: {e}). "
                "Save the workbook again from Excel as .xlsx.",
                "The file is damaged",
            ) from e
        # empty text is an empty cell (inline: a call per cell costs 2x the whole loop)
        rows = [[None if v == "" else v for v in row] for row in raw]
        missing, errors = _cell_issues(archive, path)
        return rows, missing, errors

    return load


def read_xlsx(data: bytes, file_name: str, max_uncompressed: int) -> Workbook:
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
        sheets.append(Sheet(m.name, _load=_sheet_loader(book, archive, m.name, paths.get(m.name), file_name)))
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
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
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


def read_csv(data: bytes, file_name: str) -> Workbook:
    """A CSV as one sheet named after the file; row 1 is the first record."""
    if b"\x00" in data:
        raise IngestError(
            f"{file_name} contains NUL bytes, so it is not a text CSV (it may be a binary file "
            "renamed .csv). Save the report from Excel as CSV UTF-8 or as .xlsx.",
            "Not a spreadsheet",
        )
    text = decode_text(data)
    sniffed = sniff_delimiter(text)
    rows: list[list[Any]] = []
    # the delimiter under which a header row is recognised wins over the one that merely splits evenly
    for delim in (sniffed, *[d for d in (",", ";", "\t") if d != sniffed]):
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        except csv.Error as e:
            raise IngestError(f"{file_name} is not a readable CSV: {e}.", "Not a spreadsheet") from e
        candidate = [[_clean(v.strip() if isinstance(v, str) else v) for v in r] for r in records]
        if not rows:
            rows = candidate
        if find_header_row(candidate) is not None:
            rows = candidate
            break
    name = PurePosixPath(file_name).stem
    return Workbook(file_name, "csv", [Sheet(name, rows, [], [])])


def read_workbook(data: bytes, file_name: str, *, max_bytes: int, max_uncompressed: int) -> Workbook:
    """Read any supported file, or raise IngestError saying why it cannot be read."""
    if not data:
        raise IngestError(f"{file_name} is empty (0 bytes). Upload the saved report.", "The file is empty")
    if len(data) > max_bytes:
        raise IngestError(
            f"{file_name} is {len(data) / 1e6:,.1f} MB, more than the {max_bytes / 1e6:,.0f} MB upload limit. "
            "Remove images and unused sheets, or split the report.",
            "The file is too large",
        )
    suffix = PurePosixPath(file_name.lower()).suffix
    if data.startswith(OLE_MAGIC):
        if suffix in (".xlsx", ".xlsm"):
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
        return read_xlsx(data, file_name, max_uncompressed)
    if suffix in SPREADSHEET_SUFFIXES or suffix == ".xls":
        raise IngestError(
            f"{file_name} is not an Excel workbook even though its name ends in {suffix} "
            "(it may be a text or web page file renamed). Save the report from Excel as .xlsx.",
            "Not a spreadsheet",
        )
    if suffix in CSV_SUFFIXES or suffix == "":
        return read_csv(data, file_name)
    raise IngestError(
        f"{file_name} is not a spreadsheet Lekgotla reads. Upload an .xlsx, .xlsm or .csv file.",
        "Not a spreadsheet",
    )
