"""Tables written as CSV or XLSX, with text that a spreadsheet would run neutralised (SPEC §7)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import pandas as pd

from ingest.db import Connection
from ingest.errors import QueryError
from ingest.neutral import FORMULA_STARTS, PREFIX, neutral
from metrics.actions import figures_for_months, resolve_month
from metrics.filters import Filters
from metrics.xlsx import xlsx_bytes

FORMATS: tuple[str, ...] = ("csv", "xlsx")


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table in which every text cell (and header) that begins with `=`, `+`, `-`,
    `@`, tab or carriage return is prefixed with a single quote, so no spreadsheet runs it.
    Numbers, dates and other cells are left as they are."""
    out = df.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object and pd.api.types.is_string_dtype(values.dtype):
            # a text column at once: only the cells that start like a formula change
            risky = values.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
            cells = values.to_numpy(dtype=object)
            cells[risky] = [PREFIX + v for v in cells[risky]]
            out[column] = pd.Series(cells, index=out.index, dtype=object)
        elif values.dtype == object:
            out[column] = values.map(neutral).astype(object)
    out.columns = [neutral(c) for c in out.columns]
    return out


def write_table(df: pd.DataFrame, fmt: str, out: str | Path | IO[bytes],
                sheet_name: str = "Data") -> None:
    """Write a table, neutralised, as `csv` (UTF-8 with BOM, so Excel reads accents) or `xlsx`
    to a path or a binary file-like object."""
    if fmt not in FORMATS:
        raise QueryError(f"Unknown export format {fmt!r}: use csv or xlsx.")
    table = neutralise(df)
    if fmt == "csv":
        data = table.to_csv(index=False).encode("utf-8-sig")
    else:
        data = xlsx_bytes(table, sheet_name[:31])
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)


def table_bytes(df: pd.DataFrame, fmt: str, sheet_name: str = "Data") -> bytes:
    """The bytes of `write_table` (for a download button)."""
    buffer = io.BytesIO()
    write_table(df, fmt, buffer, sheet_name)
    return buffer.getvalue()


def export_table(con: Connection, filters: Filters) -> pd.DataFrame:
    """The Explore & export table exactly as filtered, before neutralising: `action_figures`
    with dates as dates and failed_checks as text."""
    return figures_for_months(con, filters, [resolve_month(con, filters)], dates_as_objects=True)


def export_actions(con: Connection, filters: Filters, fmt: str,
                   out: str | Path | IO[bytes]) -> int:
    """Write every reported field of each action as filtered (comments and risks included) with
    its per-action figures, as csv or xlsx, neutralised; returns the number of actions written."""
    table = export_table(con, filters)
    write_table(table, fmt, out, sheet_name="Actions")
    return len(table)
