"""The review pack's department parts, gathered for every department at once.

Each part holds what `kpi_changes` and `action_figures` give with that one department in the
filters (its KPIs with the change since its own previous period, and every action of its own last
month with data in the period). Asking those functions once per department costs a hundred
queries at a hundred departments, so the figures of every department come from one query each —
the KPIs per department (`resolved_kpis(..., per_department=True)`), the actions of the months in
question, the months with data, the uploads in force — and are split by department here. Sliced
rows are typed as the query would type them alone, so a part is the same frame either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ingest.db import Connection
from metrics import queries
from metrics.actions import figures_for_months
from metrics.filters import Filters, is_quarter, months_of, quarter_of
from metrics.kpis import COUNT_KPIS, KPI_NAMES, TREND_COLUMNS, changes_table, plain, resolved_kpis

STEADY_DIGITS = 9


@dataclass(frozen=True)
class DepartmentPart:
    """One department's part of the pack: the month its figures come from (its last month with
    data in the period), its computed RAG, KPIs with change, and every action (Cancelled too)."""

    department: str
    month: str | None
    rag: str | None
    changes: pd.DataFrame
    actions: pd.DataFrame
    upload: dict[str, Any] | None

    @property
    def action_count(self) -> int:
        """|A|: actions reported, Cancelled left out."""
        return int((self.actions["status"] != "Cancelled").sum()) if len(self.actions) else 0


def steady(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every float rounded to STEADY_DIGITS decimals: DuckDB sums in parallel, so
    the last bits of a float may differ from one run to the next, and the pack must not."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values.dtype):
            out[column] = values.round(STEADY_DIGITS)
        elif values.dtype == object:
            out[column] = values.map(
                lambda v: round(v, STEADY_DIGITS) if isinstance(v, float) else v)
    return out


def natural_key(value: Any) -> tuple[Any, ...]:
    """Sort key that puts `FIN-2` before `FIN-10` and `1.2` before `1.10`."""
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


def sorted_actions(frame: pd.DataFrame) -> pd.DataFrame:
    """The actions by department, then action id in natural order (a stable sort)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    departments, ids = frame["department"].tolist(), frame["action_id"].tolist()
    keys = {v: natural_key(v) for v in set(ids)}  # ids repeat from one department to the next
    order = sorted(range(len(frame)), key=lambda i: (str(departments[i]), keys[ids[i]]))
    return frame.iloc[order].reset_index(drop=True)


def department_months(con: Connection, departments: tuple[str, ...]) -> dict[str, list[str]]:
    """Each department's months with data, oldest first (every department when empty): what
    `months_with_data` gives for that department alone."""
    out: dict[str, list[str]] = {}
    for department, month in queries.rows(con, "pack_department_months",
                                          {"departments": sorted(set(departments))}):
        out.setdefault(str(department), []).append(str(month))
    return out


def _previous_period(period: str, months: list[str]) -> str | None:
    """`kpis.previous_period` from the scope's months with data."""
    first = months_of(period)[0]
    earlier = [m for m in months if m < first]
    if not earlier:
        return None
    return quarter_of(earlier[-1]) if is_quarter(period) else earlier[-1]


def pooled_trend(by_department: pd.DataFrame) -> pd.DataFrame:
    """`kpi_trend(con, filters)` out of `kpi_trend(con, filters, by_department=True)`: its
    pooled rows, built as `resolved_kpis` builds them (plain values, counts as Int64)."""
    rows = by_department[by_department["department"].isna()]
    frame = pd.DataFrame({name: [plain(v) for v in rows[name]] for name in TREND_COLUMNS},
                         columns=list(TREND_COLUMNS))
    for name in COUNT_KPIS:
        frame[name] = frame[name].astype("Int64")
    return frame


def _actions_by_department(figures: pd.DataFrame, month: dict[str, str]
                           ) -> dict[str, pd.DataFrame]:
    """Each department's actions of its month, out of the rows of every department's month:
    sorted as `sorted_actions`, rounded as `steady` and typed as `queries.to_frame` types one
    department's rows alone — an integer or boolean column without a missing value is numpy's,
    a text column without any value holds None objects. Every department of `month` has a
    frame (no row where it has none)."""
    wanted = [month.get(str(d)) == p for d, p in zip(figures["department"].tolist(),
                                                      figures["period"].tolist(), strict=True)]
    # a boolean array, not a list: an empty list would choose no columns, not no rows
    rows = steady(sorted_actions(figures[np.array(wanted, dtype=bool)]))  # one rounding for all
    departments = [str(d) for d in rows["department"]]
    texts = [c for c in rows.columns if isinstance(rows[c].dtype, pd.StringDtype)]
    masked = [c for c in rows.columns if isinstance(rows[c].dtype, pd.api.extensions.ExtensionDtype)
              and rows[c].dtype.kind in "iub"]
    missing = rows[texts + masked].isna().groupby(departments)
    without_text, with_missing = missing.all(), missing.any()
    spans: dict[str, list[int]] = {}
    for i, d in enumerate(departments):  # sorted by department: each is one run of rows
        spans.setdefault(d, [i, i])[1] = i + 1
    out = {}
    for d in month:
        start, end = spans.get(d, [0, 0])
        part = rows.iloc[start:end].reset_index(drop=True)
        typed: dict[str, Any] = {}
        for c in texts:
            if end == start or without_text.at[d, c]:
                typed[c] = np.full(end - start, None, dtype=object)
        for c in masked:
            if end == start or not with_missing.at[d, c]:
                typed[c] = part[c].to_numpy(dtype=part[c].dtype.numpy_dtype)
        out[d] = part.assign(**typed) if typed else part
    return out


def department_parts(con: Connection, filters: Filters, rags: dict[str, str | None]
                     ) -> tuple[DepartmentPart, ...]:
    """Every department's part (departments `rags`' keys, in order, each with its computed RAG)
    for the checked `filters` — as `kpi_changes`, `action_figures`, `months_with_data` and
    `views.current_upload` give with that one department in the filters."""
    departments = list(rags)
    reported = department_months(con, filters.departments)
    period_months = months_of(filters.period)
    month: dict[str, str | None] = {}  # its last month with data in the period
    previous: dict[str, str | None] = {}
    for d in departments:
        with_data = [m for m in period_months if m in set(reported.get(d, []))]
        month[d] = with_data[-1] if with_data else None
        previous[d] = _previous_period(filters.period, reported.get(d, []))
    periods = [filters.period] + sorted({p for p in previous.values() if p})
    found = resolved_kpis(con, filters, periods, per_department=True)
    kpis = {name: found[name].tolist() for name in ("period", "month", "actions", *KPI_NAMES)}
    row_of = {(str(p), str(d)): i for i, (p, d) in enumerate(zip(
        kpis["period"], found["department"], strict=True)) if plain(d) is not None}
    # action_figures reads a department's own month, or the period's last month when it has none
    figures_month = {d: month[d] or period_months[-1] for d in departments}
    figures = figures_for_months(con, filters, sorted(set(figures_month.values())))
    actions = _actions_by_department(figures, figures_month)
    uploads = queries.frame(con, "pack_current_uploads", {
        "departments": departments, "months": sorted({m for m in month.values() if m})})
    upload_of = {(str(r.pop("department")), str(r.pop("period"))): {k: plain(v) for k, v in r.items()}
                 for r in uploads.to_dict("records")}
    parts = []
    for d in departments:
        before_period, last = previous[d], month[d]
        now = row_of[(filters.period, d)]
        before = row_of[(before_period, d)] if before_period else None
        upload = upload_of.get((d, last)) if last else None
        changes = steady(changes_table(kpis, now, before, before_period))
        if last is None:  # no report in the period: no count of actions, not 0 (nor "-11")
            changes.loc[changes["kpi"] == "actions", ["value", "change"]] = None
        parts.append(DepartmentPart(d, last, rags[d], changes, actions[d], upload))
    return tuple(parts)

