"""Tables written as CSV or XLSX, with text that a spreadsheet would run neutralised (SPEC §7)."""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from ingest.db import Connection
from ingest.errors import QueryError
from ingest.neutral import FORMULA_STARTS, PREFIX, neutral
from ingest.words import plural
from metrics.filters import Filters, sort_objectives
from metrics.views import export_table
from presentation.labels import RATE_COLUMNS, objective_labels
from presentation.theme import period_label
from presentation.xlsx import xlsx_bytes

FORMATS: tuple[str, ...] = ("csv", "xlsx")


def neutral_texts(values: pd.Series) -> np.ndarray:
    """A text column's cells (object array, missing ones as they are) with `neutral` applied, the
    column at once: only the cells that start like a formula change."""
    risky = values.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
    cells: np.ndarray = values.to_numpy(dtype=object)
    cells[risky] = [PREFIX + v for v in cells[risky]]
    return cells


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table in which every text cell (and header) that begins with `=`, `+`, `-`,
    `@`, tab or carriage return is prefixed with a single quote, so no spreadsheet runs it.
    Numbers, dates and other cells are left as they are."""
    out = df.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object and pd.api.types.is_string_dtype(values.dtype):
            out[column] = pd.Series(neutral_texts(values), index=out.index, dtype=object)
        elif values.dtype == object:
            out[column] = values.map(neutral).astype(object)
    out.columns = [neutral(c) for c in out.columns]
    return out


def write_table(df: pd.DataFrame, fmt: str, out: str | Path | IO[bytes],
                sheet_name: str = "Data", notes: Sequence[tuple[str, str]] | None = None,
                percent: Collection[str] = ()) -> None:
    """Write a table, neutralised, as `csv` (UTF-8 with BOM, so Excel reads accents) or `xlsx`
    to a path or a binary file-like object. `notes` (what the export holds: `export_notes`)
    become the XLSX's Filters sheet, neutralised too; a CSV has one table only (its file name
    says what it holds). `percent`: the columns of fractions, which the XLSX formats as
    percentages (the values stay as they are, in both)."""
    if fmt not in FORMATS:
        raise QueryError(f"Unknown export format {fmt!r}: use csv or xlsx.")
    table = neutralise(df)
    if fmt == "csv":
        data = table.to_csv(index=False).encode("utf-8-sig")
    else:
        about = None if notes is None else [(neutral(w), neutral(v)) for w, v in notes]
        shown = {neutral(c) for c in percent}
        data = xlsx_bytes(table, sheet_name[:31], about, percent=shown)
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)


def table_bytes(df: pd.DataFrame, fmt: str, sheet_name: str = "Data",
                notes: Sequence[tuple[str, str]] | None = None,
                percent: Collection[str] = ()) -> bytes:
    """The bytes of `write_table` (for a download button)."""
    buffer = io.BytesIO()
    write_table(df, fmt, buffer, sheet_name, notes, percent)
    return buffer.getvalue()


# Names of the other filters a page applies (Explore's computed RAG and search, the audit log's).
OTHER_FILTERS: dict[str, str] = {
    "rags": "Computed RAG", "search": "Search", "actors": "Who", "actions": "What",
    "from": "From", "to": "To", "not_reported": "No report for the month (no rows)"}


def _words(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def export_notes(filters: Filters | None, *, rows: int, exported_at: datetime,
                 exported_by: str | None = None, other: Mapping[str, Any] | None = None,
                 objectives: pd.DataFrame | None = None,
                 freshness: Mapping[str, Any] | None = None) -> list[tuple[str, str]]:
    """What an export holds, as (what, value) lines for its Filters sheet: the period,
    departments, objectives (code and title, from `objectives`: the register) and statuses of
    `filters` (none when the table is not filtered by them), the page's `other` filters, how many
    rows, when and by whom it was exported, and how fresh the data was (`views.data_freshness`).
    Plain text: `write_table` neutralises it."""
    lines: list[tuple[str, str]] = [("Rows", f"{rows:,}")]
    if filters is not None:
        titles = ({} if objectives is None else
                  objective_labels(objectives, width=None))
        lines += [
            ("Period", f"{period_label(filters.period)} ({filters.period})"),
            ("Departments", ", ".join(sorted(set(filters.departments))) or "All departments"),
            ("Objectives", "; ".join(titles.get(o, o) for o in sort_objectives(filters.objectives))
             or "All objectives"),
            ("Statuses", ", ".join(filters.statuses) or "Every status")]
    for key, value in (other or {}).items():
        if key not in ("period", "departments", "objectives", "statuses") and _words(value):
            lines.append((OTHER_FILTERS.get(key, key.replace("_", " ").capitalize()),
                          _words(value)))
    lines += [("Exported", exported_at.strftime("%d %b %Y, %H:%M %Z").strip()),
              ("Exported by", exported_by or "not known")]
    if freshness:
        lines.append(("Data", f"{plural(freshness.get('reports_in_force') or 0, 'report')} in force; "
                              f"latest upload {_moment(freshness.get('last_upload_at'))}"))
        if freshness.get("register_version") is not None:
            lines.append(("Strategy register",
                          f"version {freshness['register_version']}, loaded "
                          f"{_moment(freshness.get('register_loaded_at'))}"))
    return lines


def _moment(value: Any) -> str:
    if value is None or value != value:
        return "none"
    return pd.Timestamp(value).strftime("%d %b %Y, %H:%M")


def export_actions(con: Connection, filters: Filters, fmt: str,
                   out: str | Path | IO[bytes]) -> int:
    """Write every reported field of each action as filtered (comments and risks included) with
    its per-action figures, as csv or xlsx, neutralised; returns the number of actions written."""
    table = export_table(con, filters)
    write_table(table, fmt, out, sheet_name="Actions",
                percent=[c for c in table.columns if c in RATE_COLUMNS])
    return len(table)
