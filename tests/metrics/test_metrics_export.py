"""Export of the Explore table as CSV and XLSX, neutralised (SPEC §6, §7)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ingest.db import Connection
from ingest.errors import QueryError
from metrics.actions import ACTION_COLUMNS
from metrics.filters import Filters
from presentation.export import export_actions, neutralise, table_bytes


def test_neutralise_text_cells_only() -> None:
    df = pd.DataFrame({
        "text": ["=SUM(A1)", "+27 11", "-5 days", "@cmd", "\tx", "\rx", "plain", None],
        "number": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        "=head": ["a"] * 8,
    })
    out = neutralise(df)
    assert list(out["text"])[:7] == ["'=SUM(A1)", "'+27 11", "'-5 days", "'@cmd", "'\tx",
                                     "'\rx", "plain"]
    assert pd.isna(out["text"].iloc[7])
    assert list(out["number"]) == list(df["number"])  # numbers are numbers, even negative
    assert list(out.columns) == ["text", "number", "'=head"]
    assert df["text"].iloc[0] == "=SUM(A1)"  # the input is not changed


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_export_has_every_field_and_is_neutralised(con: Connection, tmp_path: Path) -> None:
    out = tmp_path / "finance.csv"
    count = export_actions(con, Filters("2025-03", ("Finance",)), "csv", out)
    rows = _csv_rows(out.read_bytes())
    # Finance March: F1..F6, the Cancelled F4 included
    assert count == 6 and len(rows) == 6
    assert tuple(rows[0].keys()) == ACTION_COLUMNS
    by_id = {r["action_id"]: r for r in rows}
    assert by_id["F6"]["comments"] == "'=SUM(A1)"
    assert by_id["F2"]["comments"] == "'-5 days behind the revised plan"
    assert by_id["F2"]["risk"] == "'+ supplier may walk away"
    # figures beside the fields; dates as dates; a negative number stays a number
    assert by_id["F2"]["slip_days"] == "0" and by_id["F2"]["rag"] == "Amber"
    assert by_id["F2"]["due_date"] == "2025-05-31"
    assert by_id["F6"]["schedule_variance"] == "-40.0"
    assert by_id["F6"]["file_name"] == "Finance_2025-03.xlsx"


def test_xlsx_export_has_no_formula(con: Connection) -> None:
    buffer = io.BytesIO()
    export_actions(con, Filters("2025-03", ("Finance",)), "xlsx", buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert tuple(header) == ACTION_COLUMNS
    records = [dict(zip(header, [c.value for c in row], strict=True))
               for row in sheet.iter_rows(min_row=2)]
    by_id = {r["action_id"]: r for r in records}
    assert by_id["F6"]["comments"] == "'=SUM(A1)"
    assert by_id["F2"]["comments"] == "'-5 days behind the revised plan"
    assert by_id["F6"]["schedule_variance"] == -40.0
    assert by_id["F2"]["due_date"].date().isoformat() == "2025-05-31"


def test_export_is_exactly_as_filtered(con: Connection) -> None:
    filters = Filters("2025-03", ("Finance", "Health"), statuses=("Completed",))
    rows = _csv_rows(table_bytes(_table(con, filters), "csv"))
    # Completed in March: F1, F3 (Finance), H2 (Health); W1 is in Works
    assert sorted(r["action_id"] for r in rows) == ["F1", "F3", "H2"]
    rows = _csv_rows(table_bytes(_table(con, Filters("2025-03", objectives=("SO3",))), "csv"))
    # SO3: H1, W1 (F4 is SO4)
    assert sorted(r["action_id"] for r in rows) == ["H1", "W1"]


def _table(con: Connection, filters: Filters) -> pd.DataFrame:
    buffer = io.BytesIO()
    export_actions(con, filters, "csv", buffer)
    return pd.read_csv(io.BytesIO(buffer.getvalue()), encoding="utf-8-sig", dtype=str)


def test_unknown_format(con: Connection) -> None:
    with pytest.raises(QueryError):
        export_actions(con, Filters("2025-03"), "pdf", io.BytesIO())


def test_the_workbook_reads_as_the_page_fractions_as_percentages_days_as_dates() -> None:
    # "SMART pass 0.4545…" beside the page's 45.5%, and every deadline at 00:00:00
    table = pd.DataFrame({
        "SMART pass": [5 / 11, None], "Rows": [11, 4],
        "Deadline": pd.to_datetime(["2025-06-07", "2025-07-07"]),
        "Uploaded": pd.to_datetime(["2025-06-05 09:30", "2025-07-02 00:00"])})
    data = table_bytes(table, "xlsx", "Quality", percent=["SMART pass"])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == pytest.approx(5 / 11)  # the value as it is: only its format
    assert [sheet[c].number_format for c in ("A2", "B2", "C2", "D2")] == [
        "0.0%", "General", "yyyy\\-mm\\-dd", "yyyy\\-mm\\-dd\\ hh:mm:ss"]
    assert sheet["C3"].value.date().isoformat() == "2025-07-07"
    csv_text = table_bytes(table, "csv", percent=["SMART pass"]).decode("utf-8-sig")
    assert "0.45454545" in csv_text  # a CSV holds the figures as they are
