"""Write the hostile and broken files of tests/data/bad/ (seeded, so every run writes the same corpus).

Run: python tests/data/make_bad_files.py
Each file's expected outcome is in EXPECTED: "ok" (read correctly, no errors) or the words the
rejection message must contain, so the test can say what each file is for.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).resolve().parent / "bad"
HEADER = ["Action ID", "Action", "Status", "Percent complete", "Due date", "Budget allocated"]
RNG = random.Random(6)

EXPECTED: dict[str, str] = {
    "empty.xlsx": "is empty (0 bytes)",
    "text_renamed.xlsx": "not an Excel workbook even though its name ends in .xlsx",
    "html_renamed.xlsx": "not an Excel workbook even though its name ends in .xlsx",
    "truncated.xlsx": "damaged or incomplete",
    "old_binary.xls": "old Excel 97-2003 (.xls) workbook",
    "old_binary_renamed.xlsx": "old Excel 97-2003 (.xls) workbook",
    "password_protected.xlsx": "protected with a password",
    "zip_bomb.xlsx": "unpacks to",
    "zip_not_a_workbook.xlsx": "is a zip file but not an Excel workbook",
    "billion_laughs.xlsx": "unrecognized entity",
    "external_entity.xlsx": "unrecognized entity",
    "hidden_first_sheet.xlsx": "ok",
    "hidden_actions_sheet.xlsx": "hidden sheets are never read",
    "wrong_dimension.xlsx": "ok",
    "formulas_without_values.xlsx": "formula with no saved value",
    "merged_header_cells.xlsx": "ok",
    "serial_dates.xlsx": "ok",
    "columns_16000.xlsx": "ok",
    "rows_100000.xlsx": "more than the 5,000 allowed",
    "nul_bytes.csv": "contains NUL bytes",
    "cp1252_semicolon.csv": "ok",
    "decimal_commas.csv": "ok",
    "far_past_and_future_dates.xlsx": "is outside the years 1900–2100",
    "very_long_text.xlsx": "ok",
    "empty_actions_sheet.xlsx": "No header row found",
    "only_a_header.xlsx": "There are no action rows",
    "random_bytes.csv": "No header row found",
    "macro_workbook.xlsm": "ok",
    "excel_error_cells.xlsx": "shows the Excel error",
    "corner_cells.xlsx": "Delete the stray content beyond",
    "relationship_bait.xlsx": "cannot be read as a workbook",
    "far_cell_no_dimension.xlsx": "Delete the stray content beyond",
}


def rows(n: int) -> list[list[object]]:
    statuses = ["In progress", "Completed", "Not started", "At risk"]
    return [[f"A{i}", f"Deliver the planned improvement number {i} on time", RNG.choice(statuses),
             RNG.randint(0, 99), dt.date(2025, 3, 31), RNG.randint(1, 99) * 1000] for i in range(1, n + 1)]


def workbook(data: list[list[object]], title: str = "Actions") -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for r in data:
        ws.append(r)
    return wb


def save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good() -> bytes:
    return save(workbook([HEADER, *rows(3)]))


def with_sheet_xml(data: bytes, change: object) -> bytes:
    """Rewrite the first sheet's XML with `change(xml_text) -> xml_text`."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()  # type: ignore[operator]
            z.writestr(item.filename, content)
    return out.getvalue()


def entity_attack(doctype: str, entity: str) -> bytes:
    def change(xml: str) -> str:
        xml = re.sub(r"^<\?xml[^>]*\?>", "", xml)
        return doctype + re.sub(r"<t>A1</t>", f"<t>{entity}</t>", xml, count=1)
    return with_sheet_xml(good(), change)


def with_part(data: bytes, part: str, content: bytes | None) -> bytes:
    """The workbook with one zip part replaced (or removed when `content` is None)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            if item.filename == part:
                if content is not None:
                    z.writestr(item.filename, content)
            else:
                z.writestr(item.filename, src.read(item.filename))
    return out.getvalue()


def corner_cells() -> bytes:
    """Cells only at A1 and XFD1048576: a dense read would ask for 17 billion cells (~550 GB)."""
    wb = Workbook()
    wb.active["A1"], wb.active["XFD1048576"] = "Action ID", "x"  # type: ignore[index]
    return save(wb)


def relationship_bait() -> bytes:
    """A workbook.xml.rels of `<Relationship ` and 20,000 `Id="a" `: a backtracking pattern takes
    quadratic time on it (13-16 s before the fix)."""
    bait = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship ' + b'Id="a" ' * 20_000)
    return with_part(good(), "xl/_rels/workbook.xml.rels", bait)


def far_cell_no_dimension() -> bytes:
    """A far cell (XFD200000) in a report whose `<dimension>` tag is removed: the real extent counts."""
    wb = workbook([HEADER, *rows(3)])
    wb.active["XFD200000"] = "stray"  # type: ignore[index]
    return with_sheet_xml(save(wb), lambda x: re.sub(r"<dimension [^>]*/>", "", x))


def million_line_csv() -> bytes:
    """A 2 MB CSV of a million one-cell lines (built at test time: not in the corpus on disk)."""
    return b"x\n" * 1_000_000


def hidden_big_sheet(cells: int = 500_000) -> bytes:
    """A valid report plus a hidden sheet of `cells` numbers (~1 MB; built at test time)."""
    wb = workbook([HEADER, *rows(3)])
    hidden = wb.create_sheet("Lookup")
    for _ in range(cells // 10):
        hidden.append(list(range(10)))
    hidden.sheet_state = "hidden"
    return save(wb)


def build() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    files["empty.xlsx"] = b""
    files["text_renamed.xlsx"] = b"Action ID,Action,Status\nA1,Do it,In progress\n"
    files["html_renamed.xlsx"] = b"<html><body><table><tr><td>Action</td></tr></table></body></html>"
    files["truncated.xlsx"] = good()[:1500]
    # an OLE file's directory names its streams in UTF-16: Workbook in a .xls, EncryptedPackage in
    # a password-protected .xlsx
    ole, utf16 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "utf-16-le"
    files["old_binary.xls"] = ole + "Workbook".encode(utf16) + bytes(RNG.randrange(256) for _ in range(4096))
    files["old_binary_renamed.xlsx"] = files["old_binary.xls"]  # the Upload page takes only .xlsx, .xlsm, .csv
    files["password_protected.xlsx"] = (ole + "EncryptionInfo".encode(utf16) + "EncryptedPackage".encode(utf16)
                                        + bytes(2048))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for name in zipfile.ZipFile(io.BytesIO(good())).namelist():
            z.writestr(name, zipfile.ZipFile(io.BytesIO(good())).read(name))
        z.writestr("xl/worksheets/sheet2.xml", "<a>" + "0" * 300_000_000 + "</a>")
    files["zip_bomb.xlsx"] = bomb.getvalue()
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    files["zip_not_a_workbook.xlsx"] = other.getvalue()
    lol = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
    files["billion_laughs.xlsx"] = entity_attack(f'<?xml version="1.0"?><!DOCTYPE lolz [{lol}]>', "&lol9;")
    files["external_entity.xlsx"] = entity_attack(
        '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")
    wb = workbook([["scratch", "notes"], ["x", "y"]], "Draft")
    wb["Draft"].sheet_state = "hidden"
    actions = wb.create_sheet("Actions")
    for r in [HEADER, *rows(3)]:
        actions.append(r)
    files["hidden_first_sheet.xlsx"] = save(wb)
    wb = workbook([["Cover page"]], "Cover")
    hidden = wb.create_sheet("Actions")
    for r in [HEADER, *rows(3)]:
        hidden.append(r)
    hidden.sheet_state = "hidden"
    files["hidden_actions_sheet.xlsx"] = save(wb)
    files["wrong_dimension.xlsx"] = with_sheet_xml(
        save(workbook([HEADER, *rows(20)])), lambda x: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"', x))
    files["formulas_without_values.xlsx"] = save(workbook([HEADER, *rows(2), ["A9", "Sum the budgets of the year", "In progress", 10, dt.date(2025, 3, 31), "=SUM(F2:F3)"]]))
    wb = workbook([["Status report", None, None], HEADER, *rows(3)])
    wb.active.merge_cells("A1:F1")  # type: ignore[union-attr]
    files["merged_header_cells.xlsx"] = save(wb)
    files["serial_dates.xlsx"] = save(workbook([HEADER, *[r[:4] + [45747] + r[5:] for r in rows(3)]]))
    wide = workbook([HEADER + [f"Extra {i}" for i in range(16_000 - len(HEADER))], *rows(2)])
    files["columns_16000.xlsx"] = save(wide)
    files["rows_100000.xlsx"] = save(workbook([HEADER, *rows(100_000)]))
    files["nul_bytes.csv"] = b"Action ID,Action,Status\nA1,Do\x00 it,In progress\n"
    files["cp1252_semicolon.csv"] = (
        "Action ID;Action;Status;Responsible;Budget allocated\n"
        "A1;Train staff in Zoë's directorate – phase 1;In progress;Zoë Pillay;R 12 500\n"
        "A2;Publish the café tender for the head office;Completed;Thabo Mokoena;R 3 000\n").encode("cp1252")
    files["decimal_commas.csv"] = (
        b"Action ID;Action;Status;Percent complete;Budget allocated\n"
        b"A1;Renovate the three regional offices;In progress;12,5;1.250.000,50\n"
        b"A2;Replace the fleet of pool vehicles;In progress;40,0;980 000,00\n")
    files["far_past_and_future_dates.xlsx"] = save(workbook([HEADER + ["Start date"], *[
        r + ["01/01/1800"] for r in rows(1)], ["A9", "Plan the long-term renewal of the network", "Not started", 0,
                                               dt.date(9999, 12, 31), 1000, None]]))
    files["very_long_text.xlsx"] = save(workbook([HEADER + ["Comments"], *[r + ["x" * 32_000] for r in rows(2)]]))
    files["empty_actions_sheet.xlsx"] = save(workbook([]))
    files["only_a_header.xlsx"] = save(workbook([HEADER]))
    files["random_bytes.csv"] = bytes(RNG.randrange(1, 256) for _ in range(20_000))
    files["macro_workbook.xlsm"] = good()
    files["excel_error_cells.xlsx"] = with_sheet_xml(
        good(), lambda x: re.sub(r'<c r="D2"[^>]*>.*?</c>', '<c r="D2" t="e"><v>#DIV/0!</v></c>', x, count=1))
    files["corner_cells.xlsx"] = corner_cells()
    files["relationship_bait.xlsx"] = relationship_bait()
    files["far_cell_no_dimension.xlsx"] = far_cell_no_dimension()
    assert set(files) == set(EXPECTED)
    return files


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, data in build().items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(EXPECTED)} files to {OUT}")


if __name__ == "__main__":
    main()
