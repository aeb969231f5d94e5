"""The derived rows loading keeps (`report_summary`, `due_date_moves`), checked against a
recomputation from every report in force: for the summary tests and the bulk-load tests."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from ingest import db

THRESHOLDS = {"red_slip_days": 30, "red_schedule_variance": -25.0, "amber_schedule_variance": -10.0}


def kept(con: db.Connection) -> pd.DataFrame:
    return con.execute("SELECT * FROM report_summary ORDER BY department, period, status").df()


def recomputed(con: db.Connection) -> pd.DataFrame:
    rows = db.sql("report_summary_rows")  # the summary's own query, over every report in force
    return con.execute(f"SELECT * FROM ({rows}) ORDER BY department, period, status",
                       {"departments": [], "periods": [], **THRESHOLDS}).df()


def moves(con: db.Connection, source: str, params: dict | None = None) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM ({source}) ORDER BY department, action_id, period"
                       if "SELECT" in source else
                       f"SELECT * FROM {source} ORDER BY department, action_id, period",
                       params or {}).df()


def assert_kept_exact(con: db.Connection) -> None:
    """The derived rows loading keeps (report_summary, due_date_moves) equal those recomputed
    from every report in force."""
    pd.testing.assert_frame_equal(kept(con), recomputed(con), check_dtype=False, rtol=1e-12)
    pd.testing.assert_frame_equal(moves(con, "due_date_moves"),
                                  moves(con, db.sql("due_date_moves_rows"), {"departments": []}))


def changed_copy(data: bytes) -> bytes:
    """The workbook with every due date of its report sheet moved 40 days later."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Actions"]
    header_row = next(r for r in ws.iter_rows() if any(c.value == "Due Date" for c in r))
    column = next(c.column for c in header_row if c.value == "Due Date")
    for row in ws.iter_rows(min_row=header_row[0].row + 1):
        cell = row[column - 1]
        if hasattr(cell.value, "year"):
            cell.value = cell.value + pd.Timedelta(days=40).to_pytimedelta()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
