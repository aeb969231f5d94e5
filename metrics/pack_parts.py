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
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ingest.db import Connection
from metrics import queries
from metrics.actions import figures_for_months
from metrics.filters import Filters, is_quarter, months_of, quarter_of
from metrics.kpis import KPI_NAMES, plain, resolved_kpis


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


def natural_key(value: Any) -> tuple[Any, ...]:
    """Sort key that puts `FIN-2` before `FIN-10` and `1.2` before `1.10`."""
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


def sorted_actions(frame: pd.DataFrame) -> pd.DataFrame:
    """The actions by department, then action id in natural order (a stable sort)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    departments, ids = frame["department"].tolist(), frame["action_id"].tolist()
    order = sorted(range(len(frame)), key=lambda i: (str(departments[i]), natural_key(ids[i])))
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


def _changes(now: pd.Series, before: pd.Series | None, before_period: str | None
             ) -> pd.DataFrame:
    """`kpi_changes`'s table from the KPI rows of the period and of the previous period."""
    rows = []
    for name in ("actions", *KPI_NAMES):
        value = plain(now[name])
        previous = plain(before[name]) if before is not None else None
        change = value - previous if value is not None and previous is not None else None
        rows.append({
            "kpi": name,
            "value": value,
            "previous_value": previous,
            "change": change,
            "period": now["period"],
            "month": now["month"],
            "previous_period": before_period,
            "previous_month": before["month"] if before is not None else None,
        })
    return pd.DataFrame(rows)


def _typed_alone(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows sliced from a query's result, typed as `queries.to_frame` types these rows alone:
    an integer or boolean column without a missing value is numpy's, and a text column without
    any value holds None objects."""
    out = rows.reset_index(drop=True)
    retyped: dict[str, Any] = {}
    for name in out.columns:
        values = out[name]
        dtype = values.dtype
        if isinstance(dtype, pd.StringDtype) and not values.notna().any():
            retyped[name] = np.full(len(out), None, dtype=object)
        elif (isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iub"
              and not values.isna().any()):
            retyped[name] = values.to_numpy(dtype=dtype.numpy_dtype)
    return out.assign(**retyped) if retyped else out


def _split(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], np.ndarray]:
    """Row positions of each distinct value of `keys`."""
    if frame.empty:
        return {}
    groups = frame.groupby(keys, sort=False).indices
    return {k if isinstance(k, tuple) else (k,): v for k, v in groups.items()}


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
    kpis = resolved_kpis(con, filters, periods, per_department=True)
    row_of = {(str(p), str(d)): i for i, (p, d) in enumerate(zip(
        kpis["period"], kpis["department"], strict=True)) if d is not None}
    # action_figures reads a department's own month, or the period's last month when it has none
    figures_month = {d: month[d] or period_months[-1] for d in departments}
    figures = figures_for_months(con, filters, sorted(set(figures_month.values())))
    by_month = _split(figures, ["department", "period"])
    empty = _typed_alone(figures.iloc[0:0])
    uploads = queries.frame(con, "pack_current_uploads", {
        "departments": departments, "months": sorted({m for m in month.values() if m})})
    upload_of = {(str(r.pop("department")), str(r.pop("period"))): {k: plain(v) for k, v in r.items()}
                 for r in uploads.to_dict("records")}
    parts = []
    for d in departments:
        now = kpis.iloc[row_of[(filters.period, d)]]
        before_period, last = previous[d], month[d]
        before = kpis.iloc[row_of[(before_period, d)]] if before_period else None
        rows = by_month.get((d, figures_month[d]))
        actions = empty if rows is None else _typed_alone(figures.iloc[rows])
        upload = upload_of.get((d, last)) if last else None
        parts.append(DepartmentPart(d, last, rags[d], _changes(now, before, before_period),
                                    sorted_actions(actions), upload))
    return tuple(parts)


def same_month_groups(filters: Filters, parts: tuple[DepartmentPart, ...], month: str
                      ) -> list[Filters]:
    """The filters that read every department as of its own last report in the period: the
    filters themselves when that is `month` for all, else one per month, each with the
    departments whose last report it is."""
    if {p.month for p in parts if p.month} <= {month}:
        return [filters]
    groups: dict[str, list[str]] = {}
    for p in parts:
        if p.month:
            groups.setdefault(p.month, []).append(p.department)
    return [replace(filters, period=m, departments=tuple(ds)) for m, ds in sorted(groups.items())]
