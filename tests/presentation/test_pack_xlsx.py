"""The review pack workbook as a reader sees it, opened with openpyxl: sheets, frozen headers,
number formats, column widths, RAG colours, the pack's own figures, no formula anywhere; and the
styled workbook writer under it (presentation.xlsx_book.Book)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from ingest.db import Connection
from metrics.filters import Filters
from metrics.pack import ReviewPack, build_pack
from presentation.pack_xlsx import pack_xlsx
from presentation.xlsx_book import Book, Style

MARCH = Filters("2025-03")
HEADER_ROW = 8  # of the actions table on a department sheet


@pytest.fixture(scope="module")
def pack(history: Connection) -> ReviewPack:
    return build_pack(history, MARCH)


@pytest.fixture(scope="module")
def data(pack: ReviewPack) -> bytes:
    return pack_xlsx(pack)


@pytest.fixture(scope="module")
def wb(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def actions_table(wb: Workbook, sheet: str) -> list[dict[str, object]]:
    ws = wb[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    return [dict(zip(header, row, strict=True))
            for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def column_of(wb: Workbook, sheet: str, header: str) -> str:
    return next(c.column_letter for c in wb[sheet][HEADER_ROW] if c.value == header)


def test_sheets_and_frozen_headers(wb: Workbook) -> None:
    assert wb.sheetnames == ["Summary", "What changed", "Across departments", "Finance", "Health",
                             "Works", "Sources"]
    assert wb["Summary"].freeze_panes == "B6"  # the KPI header row and the KPI names
    for name in ("Finance", "Health", "Works"):  # the actions' header, the ID and action text
        assert wb[name].freeze_panes == "C9", name
    assert wb["Sources"].freeze_panes == "A6"


def test_percent_currency_and_date_formats_on_their_columns(wb: Workbook) -> None:
    finance = wb["Finance"]
    first = HEADER_ROW + 1
    assert finance[f"{column_of(wb, 'Finance', 'Progress')}{first}"].number_format == "0%"
    assert finance[f"{column_of(wb, 'Finance', 'Budget')}{first}"].number_format == '"R" #,##0'
    assert finance[f"{column_of(wb, 'Finance', 'Spent')}{first}"].number_format == '"R" #,##0'
    assert finance[f"{column_of(wb, 'Finance', 'Due')}{first}"].number_format == "d mmm yyyy"
    # the department's KPIs above the table: Completion as a percent, its change in points
    kpis = [c.value for c in finance[4]]
    column = kpis.index("Completion") + 1
    assert finance.cell(row=5, column=column).number_format == "0.0%"
    assert finance.cell(row=6, column=column).number_format == '+0.0" pp";-0.0" pp";0.0" pp"'
    summary = wb["Summary"]
    completion = next(r for r in summary.iter_rows(min_col=1, max_col=2)
                      if r[0].value == "Completion")[1]
    assert completion.number_format == "0.0%"
    # by hand (metrics_history): March has Finance F1, F3 of 5 (F4 Cancelled), Health H2 of 3
    # and Works W1 of 3 Completed: 4 of 11
    assert completion.value == pytest.approx(4 / 11)


def test_red_cells_are_red_and_widths_are_set(wb: Workbook) -> None:
    finance = wb["Finance"]
    rag = column_of(wb, "Finance", "Computed RAG")
    row = next(r for r, a in enumerate(actions_table(wb, "Finance"), start=HEADER_ROW + 1)
               if a["Action ID"] == "F6")
    red = finance[f"{rag}{row}"]
    # F6 is At risk, 16 days past its baseline due date (15 Mar) at 31 Mar: Red
    assert red.value == "Red"
    assert red.fill.patternType == "solid" and red.fill.fgColor.rgb.endswith("C0392B")
    assert red.font.b and red.font.color.rgb.endswith("FFFFFF")
    assert red.border.bottom.style == "thin"
    health = wb["Health"]  # Health's department RAG: Red (two of its three actions are Red)
    assert health["E1"].value == "Red" and health["E1"].fill.fgColor.rgb.endswith("C0392B")
    assert finance.column_dimensions["A"].width == 13
    assert finance.column_dimensions[column_of(wb, "Finance", "Action")].width == 46
    assert finance.column_dimensions[column_of(wb, "Finance", "Comments")].width == 50
    assert finance.row_dimensions[4].height == 32
    assert finance.auto_filter.ref == f"A{HEADER_ROW}:Y{HEADER_ROW + 6}"
    assert finance.page_setup.orientation == "landscape"


def test_action_rows_are_the_packs_figures(pack: ReviewPack, wb: Workbook) -> None:
    for part in pack.departments:
        rows = actions_table(wb, part.department)
        assert len(rows) == len(part.actions), part.department
        for row, (_, action) in zip(rows, part.actions.iterrows(), strict=True):
            assert row["Action ID"] == action["action_id"]
            assert row["Reported status"] == action["status"]
            assert row["Computed RAG"] == (None if pd.isna(action["rag"]) else action["rag"])
            assert row["Progress"] == pytest.approx(action["percent_complete"] / 100)
            for header, key in (("Budget", "budget_allocated"), ("Spent", "budget_spent"),
                                ("Slip (days)", "slip_days"), ("Row", "source_row"),
                                ("Upload #", "upload_id")):
                expected = None if pd.isna(action[key]) else action[key]
                assert row[header] == expected, (part.department, row["Action ID"], header)
            for header, key in (("Due", "due_date"), ("Baseline due", "baseline_due_date")):
                expected = None if pd.isna(action[key]) else action[key].to_pydatetime()
                assert row[header] == expected, (part.department, row["Action ID"], header)
    # by hand (metrics_history, Finance in March): F6 is 60 % done, R 10,000 of R 30,000 spent
    f6 = next(r for r in actions_table(wb, "Finance") if r["Action ID"] == "F6")
    assert (f6["Progress"], f6["Budget"], f6["Spent"], f6["Slip (days)"]) == (0.6, 30000, 10000, 16)
    assert f6["Due"] == datetime(2025, 3, 15)


def test_no_formula_and_formula_text_is_neutralised(data: bytes, wb: Workbook) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", z.read(name)), name
    comments = {r["Action ID"]: r["Comments"] for r in actions_table(wb, "Finance")}
    assert comments["F6"] == "'=SUM(A1)"
    assert comments["F2"] == "'-5 days behind the revised plan"


def test_same_pack_same_bytes(pack: ReviewPack, data: bytes) -> None:
    assert pack_xlsx(pack) == data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        for name in z.namelist():
            ElementTree.fromstring(z.read(name))  # every part is well-formed XML


# --- the writer ---------------------------------------------------------------------------------

def test_book_writes_values_styles_and_awkward_names() -> None:
    book = Book()
    sheet = book.sheet("Women's & <Youth>")
    bold_red = book.style(Style(bold=True, fill="C0392B", colour="FFFFFF", horizontal="center"))
    money = book.style(Style(number_format='"R&D" #,##0', rule="D5DBE1", wrap=True,
                             vertical="top"))
    sheet.cell(1, 1, "Red", bold_red)
    sheet.block(2, 1, [(["a & b <c>", "bell\x07", "=1+1", "", None], 0),
                       ([1, 2.5, -3, 1e15, None], money)])
    sheet.freeze, sheet.auto_filter, sheet.widths[2] = "A2", "A1:B6", 20
    data = book.save(title="T & t", creator="Lekgotla", identifier="abc",
                     moment=datetime(2025, 4, 1, 9))
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Women's & <Youth>"]
    assert [ws.cell(row=r, column=1).value for r in range(1, 7)] == [
        "Red", "a & b <c>", "bell", "=1+1", None, None]
    assert ws["A4"].data_type == "s"  # text is text, never a formula
    assert [ws.cell(row=r, column=2).value for r in range(2, 7)] == [1, 2.5, -3, 1e15, None]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("C0392B")
    assert ws["A1"].alignment.horizontal == "center"
    assert ws["B2"].number_format == '"R&D" #,##0' and ws["B2"].alignment.wrap_text
    assert ws["B6"].border.bottom.style == "thin"  # an empty cell keeps its look
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B6"
    assert ws.column_dimensions["B"].width == 20
    assert wb.properties.title == "T & t" and wb.properties.created == datetime(2025, 4, 1, 9)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        workbook = z.read("xl/workbook.xml").decode()
    assert "'Women''s &amp; &lt;Youth&gt;'!$A$1:$B$6" in workbook


def test_a_date_without_a_format_is_shown_as_a_date() -> None:
    book = Book()
    sheet = book.sheet("Data")
    plain_style = book.style(Style(vertical="top"))
    long_date = book.style(Style(number_format="d mmm yyyy"))
    sheet.block(1, 1, [([date(2025, 1, 31), datetime(2025, 1, 31, 8, 30)], plain_style),
                       ([date(2025, 3, 15), None], long_date)])
    ws = load_workbook(io.BytesIO(book.save("t", "c", "i", datetime(2025, 1, 1))))["Data"]
    assert ws["A1"].value == datetime(2025, 1, 31) and ws["A1"].number_format == "yyyy-mm-dd"
    assert ws["A2"].value == datetime(2025, 1, 31, 8, 30)
    assert ws["A2"].number_format == "yyyy-mm-dd h:mm:ss"
    assert ws["A1"].alignment.vertical == "top"
    assert ws["B1"].value == datetime(2025, 3, 15) and ws["B1"].number_format == "d mmm yyyy"


def test_the_summarys_change_is_the_difference_of_the_figures_it_shows(
        sample_con: Connection) -> None:
    # Finance, April 2025 (the sample data): target attainment 0.7605 in March, 0.8507 in April,
    # shown 76.0% and 85.1%: the change cell is +9.1 pp, as the tiles and the What changed sheet
    # say, where the exact change (9.02) would read +9.0; budget utilisation 59.4% → 66.5%: +7.1
    summary = load_workbook(io.BytesIO(pack_xlsx(build_pack(
        sample_con, Filters("2025-04", ("Finance",))))))["Summary"]
    rows = {r[0]: r[1:4] for r in summary.iter_rows(min_row=6, max_col=4, values_only=True) if r[0]}
    value, previous, change = rows["Target attainment"]
    assert (round(value * 100, 1), round(previous * 100, 1), change) == (85.1, 76.0, 9.1)
    assert rows["Budget utilisation"][2] == 7.1
