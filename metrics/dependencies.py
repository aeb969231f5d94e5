"""Cross-department dependencies and initiatives (issue 16): who is waiting on whom, and what a late
action upstream does to the plan downstream.

Every figure comes from the SQL of metrics/sql (dependency_network.sql and the queries reading it),
over every department's plan in force for the month the filters stand for (a predecessor may be in
any department, so the filters choose the rows shown, never the plans read). docs/kpis.md gives
the formulas. Each function takes `(con, filters)`; `initiative` narrows to one initiative's
actions where it applies.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ingest.db import Connection
from metrics import queries
from metrics.actions import (
    DEPENDENCY_COLUMNS,
    NO_ACTION,
    SOURCE_COLUMNS,
    figures_for_months,
    resolve_month,
)
from metrics.breakdowns import department_rag
from metrics.filters import Filters, months_of
from metrics.kpis import plain, query_params

LINK_COLUMNS: tuple[str, ...] = (
    "period", "department", "action_id", "action", "status", "rag", "objective_id", "initiative",
    "due_date", "overdue", "dependency_forecast", "ref", "pred_department", "pred_action_id",
    "pred_action", "pred_status", "pred_rag", "pred_objective_id", "pred_initiative", "pred_due_date",
    "pred_overdue", "pred_forecast", "cross_department", "waiting", "late", "days_late", "action_late",
    "upload_id", "file_name", "sheet", "source_row",
    "pred_upload_id", "pred_file_name", "pred_sheet", "pred_source_row",
)
DEPARTMENT_COLUMNS: tuple[str, ...] = (
    "department", "waiting_on_others", "waiting_on_others_late", "waiting_on_others_late_share",
    "others_waiting", "others_waiting_late", "others_waiting_late_share", "blocking",
)
INITIATIVE_COLUMNS: tuple[str, ...] = (
    "initiative_id", "name", "objective_id", "lead_department", "member_departments",
    "departments_with_actions", "target_date", "in_register", "period", "actions", "completion_rate",
    "on_time_rate", "overdue_rate", "budget_utilisation", "slipped_count", "forecast_finish",
    "forecast_vs_target_days", "red", "amber", "green", "complete", "blocked", "rag",
)
KPI_KEYS: tuple[str, ...] = ("period", "cross_department_links", "late_links", "late_dependency_share")


def _params(con: Connection, filters: Filters) -> tuple[str, dict[str, Any]]:
    month = resolve_month(con, filters)
    return month, {**query_params(con, filters), "months": [month]}


def _split(text: Any) -> list[str]:
    return [] if text is None or text != text else [t for t in str(text).split("; ") if t]


def action_dependencies(con: Connection, filters: Filters, initiative: str | None = None) -> pd.DataFrame:
    """Each dependency of the month the filters stand for: one row per link, an action and the
    predecessor it depends on, for the dependency graph and the table of blocked actions.

    Columns (LINK_COLUMNS): period; the action — department, action_id, action, status, rag
    (computed), objective_id, initiative, due_date, overdue, dependency_forecast (its finish,
    moved by what it waits for); ref (the "Depends on" reference as stored); the predecessor —
    pred_department, pred_action_id, pred_action, pred_status, pred_rag, pred_objective_id,
    pred_initiative, pred_due_date, pred_overdue, pred_forecast (its own dependency_forecast);
    cross_department (bool); waiting (the action is open and the predecessor not Completed);
    late (the link blocks the action: the predecessor is open and overdue or finishing after the
    action's due date); days_late (days this link moves the action past its due date, 0 when
    none; None unless the action is open with a due date); action_late (the action is overdue or
    its dependency_forecast is after its due date); and the sources of both — upload_id,
    file_name, sheet, source_row and pred_upload_id, pred_file_name, pred_sheet, pred_source_row.

    A link is kept when either end is in the filters' departments, objectives (objective_id) and
    `initiative` (empty: all); filters.statuses chooses the action's status."""
    return select_links(month_links(con, filters), filters, initiative)


def unresolved_dependencies(con: Connection, filters: Filters) -> pd.DataFrame:
    """The "Depends on" references of the month the filters stand for that are no link, of the
    actions in the filters' departments (all when none): each names no action of the plans in
    force (`found` 0), or several. Upload warns about each; no other view counts them.

    Columns: period, department, action_id, action, ref, found, file_name, sheet, source_row."""
    _, params = _params(con, filters)
    table = queries.frame(con, "dependency_unresolved", params)
    if filters.departments:
        table = table[table["department"].isin(filters.departments)]
    return table.reset_index(drop=True)


def links_scope(filters: Filters) -> Filters:
    """What `month_links` depends on: the period, and for a quarter the departments (it stands for
    their last month with data); a page keys its cache on this to share the month's links."""
    return Filters(filters.period, filters.departments if len(months_of(filters.period)) > 1 else ())


def month_links(con: Connection, filters: Filters) -> pd.DataFrame:
    """Every dependency of the month the filters stand for (LINK_COLUMNS), whatever their
    departments, objectives and statuses: what `action_dependencies` selects from and
    `department_dependencies` and `dependency_kpi` count (`department_counts`, `links_kpi`)."""
    _, params = _params(con, filters)
    return queries.frame(con, "dependency_links", params)[list(LINK_COLUMNS)]


def dependency_columns(links: pd.DataFrame) -> pd.DataFrame:
    """The dependency figures (DEPENDENCY_COLUMNS) of each action with a link, by period,
    department and action_id, worked out by dependency_columns.sql from a month's links
    (`month_links`, which a page holds already): the values `action_figures` gives, without
    working the network out again (an action's figures come from its own links)."""
    return queries.over("dependency_columns", {"action_links": links[list(_LINK_INPUT)]}, {})


def with_dependencies(figures: pd.DataFrame, columns: pd.DataFrame) -> pd.DataFrame:
    """`figures` — `action_figures`' rows of one month without DEPENDENCY_COLUMNS, as
    `figures_for_months(..., dependencies=False)` gives them — with those columns from the
    month's `dependency_columns`, typed as `action_figures` gives them."""
    out = figures.merge(columns, on=["period", "department", "action_id"], how="left")
    out["blocked"] = out["blocked"].fillna(False).astype(bool)
    if out["dependency_forecast"].dtype != figures["period_end"].dtype:  # dates as objects
        forecast = out["dependency_forecast"]
        dates = np.full(len(out), None, dtype=object)
        dates[forecast.notna().to_numpy()] = forecast.dropna().dt.date.to_numpy()
        out["dependency_forecast"] = pd.Series(dates, index=out.index, dtype=object)
    if out["waiting_on"].isna().all():  # typed as a query's text column without a value
        out["waiting_on"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    if out["slip_from_dependencies"].isna().any():  # a row without a link, as a query's NULL
        out["slip_from_dependencies"] = out["slip_from_dependencies"].astype("Int64")
    order = [c for c in figures.columns if c not in SOURCE_COLUMNS]
    return out[[*order, *DEPENDENCY_COLUMNS, *SOURCE_COLUMNS]]


# what dependency_columns.sql reads of each link
_LINK_INPUT = ("period", "department", "action_id", "status", "due_date", "dependency_forecast",
               "pred_department", "pred_action_id", "waiting", "late", "days_late")


def select_links(links: pd.DataFrame, filters: Filters, initiative: str | None = None
                 ) -> pd.DataFrame:
    """The links of `action_dependencies` among `month_links`' rows."""
    keep = pd.Series(True, index=links.index)
    for values, column in ((filters.departments, "department"), (filters.objectives, "objective_id"),
                           ((initiative,) if initiative else (), "initiative")):
        if values:
            keep &= links[column].isin(values) | links[f"pred_{column}"].isin(values)
    if filters.statuses:
        keep &= links["status"].isin(filters.statuses)
    return links[keep].reset_index(drop=True)


def blocked_actions(con: Connection, filters: Filters, initiative: str | None = None) -> pd.DataFrame:
    """The blocked actions of `action_dependencies`: its `late` links, the one that moves the action
    furthest first (days_late, highest first). Same columns."""
    links = action_dependencies(con, filters, initiative)
    late = links[links["late"].astype(bool)]
    return late.sort_values(["days_late", "department", "action_id"], ascending=[False, True, True],
                            na_position="last").reset_index(drop=True)


def department_dependencies(con: Connection, filters: Filters) -> pd.DataFrame:
    """For each department with a dependency across departments in the month the filters stand for
    (those of filters.departments, when given): DEPARTMENT_COLUMNS — waiting_on_others (its open
    actions waiting on another department's), waiting_on_others_late and
    waiting_on_others_late_share (of those, late: overdue or forecast after their due date),
    others_waiting (other departments' open actions waiting on one of its actions),
    others_waiting_late and others_waiting_late_share, blocking (other departments' actions its
    actions block). Shares are None when nothing waits."""
    rows = department_counts(month_links(con, filters))
    if filters.departments:
        rows = rows[rows["department"].isin(filters.departments)].reset_index(drop=True)
    return rows


def department_counts(links: pd.DataFrame) -> pd.DataFrame:
    """`department_dependencies` over these links (`month_links`' rows, for every department), for
    a page that has them already."""
    return queries.over("dependency_departments", {"dependencies": links}, {})[
        list(DEPARTMENT_COLUMNS)]


def dependency_kpi(con: Connection, filters: Filters) -> dict[str, Any]:
    """The organisation KPI of issue 16 for the month the filters stand for: the share of
    cross-department dependencies that are late. Keys (KPI_KEYS): period (the month),
    cross_department_links (links between two departments whose action is open; with
    filters.departments, those with either end in one of them), late_links (of those, late: the
    predecessor open and overdue or finishing after the action's due date), late_dependency_share
    (late ÷ links; None without links)."""
    return {"period": resolve_month(con, filters),
            **links_kpi(month_links(con, filters), filters.departments)}


def links_kpi(links: pd.DataFrame, departments: tuple[str, ...] = ()) -> dict[str, Any]:
    """`dependency_kpi` over these links (`month_links`' rows, or one initiative's of
    `action_dependencies`), without the period: those with either end in `departments` (empty:
    all)."""
    row = queries.over("dependency_kpi", {"dependencies": links}, {"departments": list(departments)})
    return {k: plain(row.at[0, k]) for k in KPI_KEYS if k != "period"}


def initiatives(con: Connection, filters: Filters, initiative: str | None = None) -> pd.DataFrame:
    """Each cross-department initiative (the register's Initiatives sheet, and any other an action
    names) with its figures for the month the filters stand for.

    Columns (INITIATIVE_COLUMNS): initiative_id, name, objective_id, lead_department,
    member_departments ('; '-joined, from the register), departments_with_actions, target_date,
    in_register; period (the month); actions (its actions in every department's plan in force,
    Cancelled left out); completion_rate, on_time_rate, overdue_rate, budget_utilisation,
    slipped_count (the KPIs of docs/kpis.md over those actions); forecast_finish (the latest
    dependency_forecast of its actions) and forecast_vs_target_days (forecast_finish −
    target_date, positive: late); red, amber, green, complete (its actions by computed RAG);
    blocked (its blocked actions); rag (the department rule of metrics.breakdowns.department_rag
    over its actions; None without actions).

    filters.departments keeps the initiatives those departments lead, take part in, or have an
    action in; filters.objectives those serving one of the objectives; `initiative` one."""
    month, params = _params(con, filters)
    rows = queries.frame(con, "initiatives", params)
    rows.insert(rows.columns.get_loc("actions"), "period", month)
    rows["rag"] = [department_rag(int(r), int(a), int(n)) if n else None
                   for r, a, n in zip(rows["red"], rows["amber"], rows["actions"], strict=True)]
    if filters.departments:
        wanted = set(filters.departments)
        keep = [bool(wanted & {*_split(m), *_split(d), *_split(lead)})
                for m, d, lead in zip(rows["member_departments"], rows["departments_with_actions"],
                                      rows["lead_department"], strict=True)]
        rows = rows[pd.Series(keep, index=rows.index, dtype=bool)]  # [] would pick no column
    if filters.objectives:
        rows = rows[rows["objective_id"].isin(filters.objectives)]
    if initiative:
        rows = rows[rows["initiative_id"] == initiative]
    return rows.reset_index(drop=True)[list(INITIATIVE_COLUMNS)]


def initiative_actions(con: Connection, filters: Filters, initiative: str) -> pd.DataFrame:
    """The actions of one initiative in every department's plan in force for the month the
    filters stand for, Cancelled left out: those its figures count (`initiatives`), each with its
    per-action figures and sources as of its own department's report (the columns of
    metrics.actions.action_figures), for its timeline and list."""
    month = resolve_month(con, filters)
    ids = queries.frame(con, "initiative_action_ids", {"month": month, "initiative": initiative})
    # each department's actions from its own latest report: one call per month of those reports;
    # an ID may be another department's too, so the rows are kept by department and initiative
    parts = [figures_for_months(con, Filters(str(period), tuple(sorted(set(rows["department"])))),
                                [str(period)], action_ids=tuple(sorted(set(rows["action_id"]))))
             for period, rows in ids.groupby("period", sort=True)]
    if not parts:
        return figures_for_months(con, Filters(month), [month], action_ids=(NO_ACTION,))
    found = pd.concat(parts, ignore_index=True)
    found = found[found["initiative"] == initiative]
    return found.sort_values(["department"], kind="stable").reset_index(drop=True)
