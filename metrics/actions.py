"""Per-action figures of SPEC §5.3, §5.6, §5.9 and §5.10 beside every reported field."""

from __future__ import annotations

import pandas as pd

from ingest.db import Connection
from metrics import queries
from metrics.filters import Filters, months_of, periods_between
from metrics.kpis import months_with_data, query_params

REPORTED_COLUMNS: tuple[str, ...] = (
    "department", "period", "period_end", "action_id", "action", "objective_id",
    "objective_valid", "responsible", "resources", "budget_allocated", "budget_spent",
    "start_date", "due_date", "due_text", "baseline_due_date", "status", "percent_complete",
    "completion_date", "success_metric", "target", "actual", "metric_direction",
    "quality_review", "risk", "risk_level", "mitigation", "reason_code", "comments", "extra",
    "depends_on", "initiative",
)
DEPENDENCY_COLUMNS: tuple[str, ...] = (
    "waiting_on", "blocked", "dependency_forecast", "slip_from_dependencies",
)
FIGURE_COLUMNS: tuple[str, ...] = (
    "overdue", "slip_days", "rescheduled", "due_date_changes", "specific", "measurable",
    "achievable", "relevant", "time_bound", "smart_score", "failed_checks", "planned_progress",
    "schedule_variance", "forecast_finish", "forecast_slip_days", "rag", *DEPENDENCY_COLUMNS,
)
# an action ID no report can hold (an ID is required): seeding the dependency network with it
# leaves the network empty, so it is not worked out
NO_ACTION = ""
SOURCE_COLUMNS: tuple[str, ...] = ("upload_id", "file_name", "sheet", "source_row", "carried_forward")
ACTION_COLUMNS: tuple[str, ...] = REPORTED_COLUMNS + FIGURE_COLUMNS + SOURCE_COLUMNS
SMART_CHECKS: dict[str, str] = {
    "Specific": "specific",
    "Measurable": "measurable",
    "Achievable": "achievable",
    "Relevant": "relevant",
    "Time-bound": "time_bound",
}
RAGS: tuple[str, ...] = ("Red", "Amber", "Green", "Complete")


def resolve_month(con: Connection, filters: Filters) -> str:
    """The month the filters' period stands for: itself, or a quarter's last month with data
    for the scope (the quarter's last month when none has data)."""
    months = months_of(filters.period)
    if len(months) == 1:
        return months[0]
    available = set(months_with_data(con, filters.departments))
    with_data = [m for m in months if m in available]
    return with_data[-1] if with_data else months[-1]


def figures_for_months(con: Connection, filters: Filters, months: list[str],
                       dates_as_objects: bool = False, action_ids: tuple[str, ...] = (),
                       dependencies: bool = True) -> pd.DataFrame:
    """`action_figures` for these months exactly (filters.period is not used); with
    `dates_as_objects`, dates are `datetime.date` objects (None where empty), as exported;
    with `action_ids`, only those actions; without `dependencies`, without DEPENDENCY_COLUMNS."""
    params = {**query_params(con, filters), "months": months, "with_moves": True,
              "action_ids": sorted(set(action_ids))}
    if not dependencies:
        return queries.frame(con, "action_figures_alone", params, dates_as_objects)
    # the dependency figures of these actions only: the network upstream of them
    params |= {"seed_departments": params["departments"], "seed_action_ids": params["action_ids"]}
    return queries.frame(con, "action_figures", params, dates_as_objects)


def figures_summary(con: Connection, filters: Filters, months: list[str], name: str,
                    with_moves: bool = False) -> pd.DataFrame:
    """Run `metrics/sql/<name>.sql`, which reads the rows of `figures.sql` (action_figures'
    rows, unordered, with `progress`) for these months under the name `figures`, in one
    statement (only its result reaches pandas); without `with_moves`, due_date_changes is None."""
    params = {**query_params(con, filters), "months": months, "with_moves": with_moves,
              "action_ids": []}
    return queries.composed(con, name, {"figures": "figures"}, params)


def action_figures(con: Connection, filters: Filters, dependencies: bool = True) -> pd.DataFrame:
    """Each action reported for the scope and period (Cancelled included), as filtered.

    Columns: ACTION_COLUMNS — the reported fields (department ... extra, with baseline_due_date),
    the figures: overdue (bool), slip_days (days vs baseline, None without baseline),
    rescheduled (due_date later than baseline), due_date_changes (moves of the due date across
    the action's current reports up to the period), specific/measurable/achievable/relevant/
    time_bound (bools), smart_score (0–1), failed_checks (text such as "Measurable, Relevant",
    empty when all pass), planned_progress and schedule_variance (percentage points),
    forecast_finish (date), forecast_slip_days, rag (Complete/Red/Amber/Green; None for
    Cancelled) — and the source: upload_id, file_name, sheet, source_row (Excel row), and
    carried_forward (True: the report left the action out, so it is carried over with the fields it
    was last reported with, and the source is the report it was last read from).

    With `dependencies=False` the dependency figures (DEPENDENCY_COLUMNS) are left out, and not
    worked out (the organisation's network costs as much as the rest): for a page that shows
    none of them.
    """
    return figures_for_months(con, filters, [resolve_month(con, filters)],
                              dependencies=dependencies)


def action_history(con: Connection, filters: Filters) -> pd.DataFrame:
    """The same columns as `action_figures` for every month from `period_from` to `period`.

    Without `period_from`, every month with data up to the period. Each row's figures are as
    of its own month (due_date_changes counts the moves up to that month). For the Department
    page: one action's history across periods and the file, sheet and row of every figure.
    """
    return figures_for_months(con, filters, history_months(con, filters))


def history_months(con: Connection, filters: Filters) -> list[str]:
    """The months `action_history` covers: every month from `period_from` to `period`, else
    every month with data up to the period (the period's last month when none has)."""
    last = months_of(filters.period)[-1]
    if filters.period_from is not None:
        months = [m for p in periods_between(filters.period_from, filters.period)
                  for m in months_of(p)]
    else:
        months = [m for m in months_with_data(con, filters.departments) if m <= last]
    return months or [last]
