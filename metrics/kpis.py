"""The KPIs of SPEC §5.1–5.8 per (scope, period), their change since the previous period, trends.

All figures come from one SQL query (`sql/kpis.sql`) over the current rows of the months asked.
A quarter takes, for each scope, the figures of its last month that has data for that scope.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pandas as pd

from ingest import settings
from ingest.db import Connection, stored_settings
from metrics import queries, summary
from metrics.filters import Filters, is_quarter, months_of, periods_between, quarter_of

KPI_NAMES: tuple[str, ...] = (
    "completion_rate",
    "mean_progress",
    "on_time_rate",
    "overdue_rate",
    "slipped_count",
    "mean_slip_days",
    "rescheduled_count",
    "budget_utilisation",
    "cost_performance_index",
    "quality_pass_rate",
    "target_attainment",
    "smart_compliance",
    "alignment_rate",
    "objective_coverage",
    "submission_rate",
    "on_time_submission_rate",
)
COUNT_KPIS = frozenset({"slipped_count", "rescheduled_count"})
# about who reported: a provisional month's change in these compares with every department's
# previous figures (`kpi_changes`)
WHOLE_SCOPE_KPIS = frozenset({"submission_rate", "on_time_submission_rate"})
# Shares, always within 0–1. budget_utilisation and cost_performance_index are ratios that may
# pass 1 (overspend, ahead of spend); mean_progress is in percent; the rest are counts or days.
RATE_KPIS: tuple[str, ...] = (
    "completion_rate",
    "on_time_rate",
    "overdue_rate",
    "quality_pass_rate",
    "target_attainment",
    "smart_compliance",
    "alignment_rate",
    "objective_coverage",
    "submission_rate",
    "on_time_submission_rate",
)
TREND_COLUMNS: tuple[str, ...] = ("period", "month", "scope", "department", "actions", *KPI_NAMES)


def query_params(con: Connection, filters: Filters) -> dict[str, Any]:
    """The parameters every metrics query may bind: the filter lists and the settings used."""
    stored = stored_settings(con)  # read once, not once a setting
    return {
        **filters.params(),
        "on_time_day": int(settings.get("on_time_day", stored)),
        "red_slip_days": int(settings.get("red_slip_days", stored)),
        "red_schedule_variance": float(settings.get("red_schedule_variance", stored)),
        "amber_schedule_variance": float(settings.get("amber_schedule_variance", stored)),
        # the actions whose dependency figures are asked (dependency_network.sql; empty: all)
        "seed_departments": [], "seed_action_ids": [],
    }


def plain(value: Any) -> Any:
    """A cell as a plain Python value: NaN/NA/NaT become None, numpy numbers int or float."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return plain(value.item())
    return value


def jsonable(value: Any) -> Any:
    """A cell as JSON: dates and timestamps as ISO strings, NaN/NA as null."""
    value = plain(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def periods_with_data(con: Connection, departments: tuple[str, ...]) -> pd.DataFrame:
    """The months that have current action rows for these departments (all when empty), with
    how many departments and rows each has: from the summary when it is fresh, else the rows."""
    name = "periods_with_data_summary" if summary.fresh(con, departments) else "periods_with_data"
    return queries.frame(con, name, {"departments": sorted(set(departments))})


def months_with_data(con: Connection, departments: tuple[str, ...],
                     fresh: bool | None = None) -> list[str]:
    """The months that have current action rows for these departments (all when empty).

    `fresh`: what `summary.fresh(con, departments)` says, when the caller has asked already."""
    if fresh is None:
        fresh = summary.fresh(con, departments)
    name = "periods_with_data_summary" if fresh else "periods_with_data"
    return [str(row[0]) for row in queries.rows(con, name, {"departments": sorted(set(departments))})]


def _resolve_month(period: str, available: set[str]) -> str:
    """The month a period stands for: itself, or a quarter's last month with data."""
    months = months_of(period)
    with_data = [m for m in months if m in available]
    return with_data[-1] if with_data else months[-1]


def _plain_cells(column: pd.Series) -> list[Any]:
    """The column's cells as `plain` values: None for NaN/NA, Python numbers."""
    values = column.to_numpy(dtype=object, na_value=None) if column.hasnans else column.tolist()
    return [plain(v) for v in values] if column.dtype == object else list(values)


def resolved_kpis(
    con: Connection, filters: Filters, periods: list[str], per_department: bool,
    fresh: bool | None = None, coverage_of_scope: bool = False,
) -> pd.DataFrame:
    """KPI rows for each period (pooled scope, and each department when `per_department`).

    Columns are TREND_COLUMNS; `department` is None on the pooled row; `month` is the month
    whose figures a quarter took. `fresh`: what `summary.fresh(con, filters.departments)` says,
    when the caller has asked already. `coverage_of_scope`: objective_coverage over the chosen
    departments' actions too (the organisation's only, otherwise).
    """
    months = sorted({m for p in periods for m in months_of(p)})
    params = {**query_params(con, filters), "months": months, "per_department": per_department,
              "coverage_of_scope": coverage_of_scope}
    if fresh is None:
        usable = summary.usable(con, filters, params)
    else:
        usable = fresh and not filters.objectives  # as summary.usable, without asking again
    name = "kpis_summary" if usable else "kpis"
    rows = queries.frame(con, name, params)  # every cell becomes a plain value below
    # every cell as a plain Python value, a column at a time (thousands of rows for a trend)
    cells = {name: _plain_cells(rows[name]) for name in ("period", "department", "pooled",
                                                         "reported_rows", "actions")}
    row_keys: list[str | None] = [None if pooled else str(department) for department, pooled
                                  in zip(cells["department"], cells["pooled"], strict=True)]
    keys: list[str | None] = [None]
    if per_department:
        keys += sorted({k for k in row_keys if k is not None})
    table_periods = [period for period in periods for _ in keys]
    if (all(len(months_of(period)) == 1 for period in periods)
            and cells["period"] == table_periods and row_keys == keys * len(periods)):
        # months only, and the query gave one row per (period, department) in this order (as
        # it does): row n of the table is row n of the query, as the lookups would find it
        identity = True
        found: list[int | None] = []
        out: dict[str, list[Any]] = {
            "period": table_periods,
            "month": list(table_periods),  # a month is itself
            "scope": [filters.scope if key is None else key for key in keys] * len(periods),
            "department": keys * len(periods),
            "actions": [int(v or 0) for v in cells["actions"]],
        }
    else:
        identity = False
        combos, found = _combos(cells, row_keys, keys, periods)
        out = {
            "period": [period for period, _, _ in combos],
            "month": [month for _, month, _ in combos],
            "scope": [filters.scope if key is None else key for _, _, key in combos],
            "department": [key for _, _, key in combos],
            "actions": [int(cells["actions"][i] or 0) if i is not None else 0 for i in found],
        }
    for name in KPI_NAMES:
        values = rows[name]
        if identity and name not in COUNT_KPIS and values.dtype == "float64" and values.notna().any():
            # the floats as they are (NaN where None): what the DataFrame makes of their list
            out[name] = values.to_numpy(copy=True)
            continue
        column = cells[name] = _plain_cells(values)
        if name in COUNT_KPIS:
            out[name] = ([None if v is None else int(v) for v in column] if identity else
                         [None if i is None or column[i] is None else int(column[i])
                          for i in found])
        else:
            out[name] = list(column) if identity else [None if i is None else column[i]
                                                       for i in found]
    frame = pd.DataFrame(out, columns=list(TREND_COLUMNS))
    for name in COUNT_KPIS:
        frame[name] = frame[name].astype("Int64")
    return frame


def _combos(cells: dict[str, list[Any]], row_keys: list[str | None], keys: list[str | None],
            periods: list[str]) -> tuple[list[tuple[str, str, str | None]], list[int | None]]:
    """(period, month it takes, department) for each period and key, and the query row of each
    (None: no row): a quarter takes each scope's last month with reported rows."""
    by_key: dict[tuple[str, str | None], int] = {}
    data: dict[str | None, set[str]] = {}
    for n, (period, key, reported) in enumerate(zip(
            cells["period"], row_keys, cells["reported_rows"], strict=True)):
        by_key[(str(period), key)] = n
        if reported:
            data.setdefault(key, set()).add(str(period))
    combos: list[tuple[str, str, str | None]] = []
    for period in periods:
        months_of_period = months_of(period)
        for key in keys:
            month = (months_of_period[0] if len(months_of_period) == 1  # a month is itself
                     else _resolve_month(period, data.get(key, set())))
            combos.append((period, month, key))
    return combos, [by_key.get((month, key)) for _, month, key in combos]


def kpis(con: Connection, filters: Filters) -> dict[str, Any]:
    """Every KPI of §5 for the filters' scope and period.

    Keys: scope, period, month (the month whose figures a quarter took), actions (|A|), then
    KPI_NAMES. Rates are fractions 0–1, mean_progress is in percent, mean_slip_days in days,
    counts are ints; None where the denominator is empty (or objective_coverage outside the
    organisation scope).
    """
    row = resolved_kpis(con, filters, [filters.period], per_department=False).iloc[0]
    out = {k: plain(row[k]) for k in ("scope", "period", "month", "actions", *KPI_NAMES)}
    out["actions"] = int(out["actions"] or 0)
    return out


def previous_period(con: Connection, filters: Filters, fresh: bool | None = None) -> str | None:
    """The previous period with data for the scope: a month, or for a quarter a quarter.

    `fresh`: what `summary.fresh(con, filters.departments)` says, when the caller has asked."""
    first = months_of(filters.period)[0]
    earlier = [m for m in months_with_data(con, filters.departments, fresh) if m < first]
    if not earlier:
        return None
    return quarter_of(earlier[-1]) if is_quarter(filters.period) else earlier[-1]


def kpi_changes(con: Connection, filters: Filters) -> pd.DataFrame:
    """Each KPI with its value, the previous period's value and the change since.

    Columns: kpi, value, previous_value, compared_value, change, period, month,
    previous_period, previous_month, compared_over, provisional. One row per name in KPI_NAMES
    plus `actions` first. The previous period is the latest earlier period with data for the
    scope (a missing month is skipped); change (compared_value − previous_value) is None when
    either is None. When the departments in scope that reported the two months differ (a
    provisional month: one that reported the previous month has not reported this one; or a
    provisional previous month, or a department's first report), the change compares the
    departments that reported both, like for like: `compared_over` lists them, previous_value
    and compared_value are over them, value stays the month's own. Not for WHOLE_SCOPE_KPIS,
    which count who reported. `provisional`: the month's own figures lack a department that
    reported the previous month (never for WHOLE_SCOPE_KPIS). `joined` and `missing`, beside
    `compared_over`: the departments left out of the change, those that reported the month but
    not the previous one (a first report, or back after a gap) and the other way round.
    """
    fresh = summary.fresh(con, filters.departments)  # asked once for both queries
    before_period = previous_period(con, filters, fresh)
    periods = [filters.period] + ([before_period] if before_period else [])
    table = resolved_kpis(con, filters, periods, per_department=False, fresh=fresh).to_dict("list")
    compared: tuple[str, ...] | None = None
    provisional = False
    left_out: tuple[list[str], list[str]] = ([], [])
    if before_period:
        reported = _reporters(con, filters, table["month"][0], table["month"][1])
        provisional = bool(reported[0]) and bool(reported[1] - reported[0])
        if reported[0] and reported[0] != reported[1]:
            # no department reported both: the month's reporters, whose previous figures are none
            compared = tuple(sorted((reported[0] & reported[1]) or reported[0]))
            left_out = (sorted(reported[0] - set(compared)), sorted(reported[1] - reported[0]))
            for column, period in ((0, filters.period), (1, before_period)):
                for name in ("actions", *KPI_NAMES):
                    table.setdefault(f"compared:{name}", [None, None])[column] = table[name][column]
                if column == 0 and set(compared) == reported[0]:
                    continue  # the month's own figures are over those departments already
                # coverage over their actions, as a department's own figures have it
                same = resolved_kpis(con, replace(filters, departments=compared), [period],
                                     per_department=False, coverage_of_scope=True)
                for name in ("actions", *KPI_NAMES):
                    table[f"compared:{name}"][column] = same[name].iloc[0]
                if column == 1:
                    table["month"][1] = same["month"].iloc[0]  # a quarter's, for those departments
    return changes_table(table, 0, 1 if before_period else None, before_period, compared,
                         provisional, left_out)


def expected_by_month(con: Connection, months: list[str]) -> dict[str, list[str]]:
    """Each month's departments expected to report it, sorted: those of the register the month
    is judged against (the one in force when its first report came in), or every department that
    has ever reported when the register lists none (as SPEC §5.8's submission_rate counts them)."""
    found: dict[str, list[str]] = {m: [] for m in months}
    for period, department in queries.rows(con, "expected_departments",
                                           {"months": months, "departments": []}):
        found[str(period)].append(str(department))
    return found


def _reporters(con: Connection, filters: Filters, month: str, previous_month: str
               ) -> tuple[set[str], set[str]]:
    """The departments in scope that reported `month` and those that reported `previous_month`.
    Without departments asked, the scope is the month's register: a department it no longer
    lists is not missing from the month."""
    by_month = {str(p): set(ds) for p, ds in
                queries.frame(con, "reported_departments", {}).itertuples(index=False)}
    scope = set(filters.departments) or set(expected_by_month(con, [month])[month])
    return by_month.get(month, set()) & scope, by_month.get(previous_month, set()) & scope


def changes_table(kpis: dict[str, list[Any]], now: int, before: int | None,
                  before_period: str | None, compared_over: tuple[str, ...] | None = None,
                  provisional: bool = False,
                  left_out: tuple[list[str], list[str]] = ([], [])) -> pd.DataFrame:
    """`kpi_changes`'s table from KPI rows (`kpis`: columns as lists, as `resolved_kpis` gives
    them): row `now` is the period's, row `before` the previous period's (None: there is none);
    `compared_over`: the departments the change is limited to, with each KPI's figures over them
    in `kpis["compared:<kpi>"]` (now's and before's rows); `provisional`: as kpi_changes;
    `left_out`: the departments that reported the month but not the previous one, and those
    that reported the previous month but not this one (kpi_changes' `joined`, `missing`)."""
    rows = []
    for name in ("actions", *KPI_NAMES):
        value = plain(kpis[name][now])
        previous = plain(kpis[name][before]) if before is not None else None
        limited = compared_over is not None and name not in WHOLE_SCOPE_KPIS
        compared = value
        if limited:
            # a figure the scope does not have (objective coverage of chosen departments) has no
            # change, whatever their figure over fewer departments would be
            compared = plain(kpis[f"compared:{name}"][now]) if value is not None else None
            previous = plain(kpis[f"compared:{name}"][before]) if before is not None else None
        change = compared - previous if compared is not None and previous is not None else None
        rows.append({
            "kpi": name,
            "value": value,
            "previous_value": previous,
            "compared_value": compared,
            "change": change,
            "period": kpis["period"][now],
            "month": kpis["month"][now],
            "previous_period": before_period,
            "previous_month": kpis["month"][before] if before is not None else None,
            # None for the submission rates, which compare every department in scope
            "compared_over": list(compared_over) if limited else None,
            "joined": left_out[0] if limited else None,
            "missing": left_out[1] if limited else None,
            "provisional": provisional and name not in WHOLE_SCOPE_KPIS,
        })
    return pd.DataFrame(rows)


def kpi_trend(con: Connection, filters: Filters, by_department: bool = False) -> pd.DataFrame:
    """The KPIs for every period from `filters.period_from` to `filters.period`.

    One row per period for the scope (department None), plus one per period per department
    when `by_department`. Without `period_from` the range starts at the first period with data
    for the scope. Columns: TREND_COLUMNS (period, month, scope, department, actions, KPIs).
    """
    start = filters.period_from
    fresh = None
    if start is None:
        fresh = summary.fresh(con, filters.departments)  # asked once for both queries
        available = months_with_data(con, filters.departments, fresh)
        first = available[0] if available else months_of(filters.period)[0]
        first = min(first, months_of(filters.period)[0])
        start = quarter_of(first) if is_quarter(filters.period) else first
    periods = periods_between(start, filters.period)
    return resolved_kpis(con, filters, periods, per_department=by_department, fresh=fresh)


def department_kpis(con: Connection, filters: Filters, fresh: bool | None = None) -> pd.DataFrame:
    """The KPIs of each department in scope for the period (each its own scope).

    A quarter takes each department's own last month with data. Columns: TREND_COLUMNS,
    one row per department (departments in the register, or that reported, or asked for).
    `fresh`: what `summary.fresh(con, filters.departments)` says, when the caller has asked.
    """
    rows = resolved_kpis(con, filters, [filters.period], per_department=True, fresh=fresh)
    return rows[rows["department"].notna()].reset_index(drop=True)
