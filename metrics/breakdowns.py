"""Breakdowns for the Overview, Alignment and Slippage pages: by department (league table),
objective, responsible party, status, RAG and SMART check."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ingest.db import Connection
from metrics import queries
from metrics.actions import RAGS, SMART_CHECKS, action_figures, figures_for_months, resolve_month
from metrics.filters import STATUSES, Filters
from metrics.kpis import KPI_NAMES, department_kpis, query_params

# Department RAG (league table): Red when at least a quarter of its actions are Red; Amber when
# at least a tenth are Red, or at least a quarter are Red or Amber; else Green.
DEPARTMENT_RED_SHARE = 0.25
DEPARTMENT_AMBER_RED_SHARE = 0.10
DEPARTMENT_AMBER_OFF_TRACK_SHARE = 0.25
NO_RESPONSIBLE = "(not given)"


def department_rag(red: int, amber: int, actions: int) -> str | None:
    """The department RAG from its counts of Red and Amber actions among its `actions` (A)."""
    if actions == 0:
        return None
    if red / actions >= DEPARTMENT_RED_SHARE:
        return "Red"
    if red / actions >= DEPARTMENT_AMBER_RED_SHARE or (
        (red + amber) / actions >= DEPARTMENT_AMBER_OFF_TRACK_SHARE
    ):
        return "Amber"
    return "Green"


def _in_a(figures: pd.DataFrame) -> pd.DataFrame:
    """The rows of A: Cancelled left out."""
    return figures[figures["status"] != "Cancelled"]


def department_league(con: Connection, filters: Filters) -> pd.DataFrame:
    """One row per department in scope: its KPIs, RAG counts and a computed department RAG.

    Columns: rank, department, period, month, actions, every KPI name, red, amber, green,
    complete (counts of computed action RAG), red_share (red / actions), department_rag
    (rule: DEPARTMENT_* constants; None without actions). Ranked by completion_rate, then
    mean_progress, highest first (departments without actions last).
    """
    league = department_kpis(con, filters)
    counts: list[dict[str, Any]] = []
    for month, group in league.groupby("month"):
        scoped = Filters(str(month), tuple(str(d) for d in group["department"]),
                         filters.objectives, filters.statuses)
        figures = _in_a(figures_for_months(con, scoped, [str(month)]))
        for department, rows in figures.groupby("department"):
            counts.append({"department": department, "month": month,
                           **{rag.lower(): int((rows["rag"] == rag).sum()) for rag in RAGS}})
    rag_counts = pd.DataFrame(counts, columns=["department", "month", "red", "amber", "green",
                                               "complete"])
    out = league.drop(columns=["scope"]).merge(rag_counts, on=["department", "month"], how="left")
    for rag in RAGS:
        out[rag.lower()] = out[rag.lower()].fillna(0).astype(int)
    actions = out["actions"].astype(int)
    out["red_share"] = (out["red"] / actions.where(actions > 0)).astype("Float64")
    out["department_rag"] = [department_rag(r, a, n) for r, a, n in
                             zip(out["red"], out["amber"], actions, strict=True)]
    out = out.sort_values(["completion_rate", "mean_progress", "department"],
                          ascending=[False, False, True], na_position="last")
    out.insert(0, "rank", range(1, len(out) + 1))
    columns = ["rank", "department", "period", "month", "actions", *KPI_NAMES, "red", "amber",
               "green", "complete", "red_share", "department_rag"]
    return out[columns].reset_index(drop=True)


def objective_alignment(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions in A and their budget per objective × department, for the period.

    Columns: objective_id (None for actions with no valid objective), objective, pillar,
    priority, department, actions, budget_allocated, budget_spent.
    """
    params = {**query_params(con, filters), "month": resolve_month(con, filters)}
    return queries.frame(con, "actions_by_objective", params)


def objectives_without_action(con: Connection, filters: Filters) -> pd.DataFrame:
    """Objectives of the register in force with no action in A for the scope and period.

    Columns: objective_id, objective, pillar, owner, period, priority.
    """
    params = {**query_params(con, filters), "month": resolve_month(con, filters)}
    return queries.frame(con, "objectives_without_action", params)


def actions_without_objective(con: Connection, filters: Filters) -> pd.DataFrame:
    """The actions in A whose objective_id was not in the register (or is empty).

    Columns: as `action_figures` (ACTION_COLUMNS).
    """
    figures = _in_a(action_figures(con, filters))
    return figures[~figures["objective_valid"].astype(bool)].reset_index(drop=True)


def by_responsible(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions in A per responsible party (NO_RESPONSIBLE where none was given).

    Columns: responsible, departments (names, comma-separated), actions, completed, overdue,
    slipped, red, mean_progress (percent), budget_allocated, budget_spent. Most actions first.
    """
    figures = _in_a(action_figures(con, filters)).copy()
    figures["responsible"] = figures["responsible"].fillna(NO_RESPONSIBLE)
    figures["progress"] = figures["percent_complete"].fillna(0.0).where(
        figures["status"] != "Completed", 100.0)
    rows = []
    for responsible, group in figures.groupby("responsible"):
        rows.append({
            "responsible": responsible,
            "departments": ", ".join(sorted(group["department"].unique())),
            "actions": len(group),
            "completed": int((group["status"] == "Completed").sum()),
            "overdue": int(group["overdue"].astype(bool).sum()),
            "slipped": int((group["slip_days"].fillna(0) > 0).sum()),
            "red": int((group["rag"] == "Red").sum()),
            "mean_progress": float(group["progress"].mean()),
            "budget_allocated": group["budget_allocated"].sum(min_count=1),
            "budget_spent": group["budget_spent"].sum(min_count=1),
        })
    columns = ["responsible", "departments", "actions", "completed", "overdue", "slipped", "red",
               "mean_progress", "budget_allocated", "budget_spent"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["actions", "responsible"], ascending=[False, True]).reset_index(
        drop=True)


def by_status(con: Connection, filters: Filters) -> pd.DataFrame:
    """Reported actions per self-reported status, Cancelled included, in the order of §2.3.

    Columns: status, actions, share (of all reported actions as filtered), budget_allocated,
    budget_spent. Every status appears (0 where none), or only the filtered statuses.
    """
    figures = action_figures(con, filters)
    total = len(figures)
    rows = []
    for status in filters.statuses or STATUSES:
        group = figures[figures["status"] == status]
        rows.append({
            "status": status,
            "actions": len(group),
            "share": len(group) / total if total else None,
            "budget_allocated": group["budget_allocated"].sum(min_count=1),
            "budget_spent": group["budget_spent"].sum(min_count=1),
        })
    return pd.DataFrame(rows, columns=["status", "actions", "share", "budget_allocated",
                                       "budget_spent"])


def by_rag(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions in A per computed RAG (Red, Amber, Green, Complete; every one listed).

    Columns: rag, actions, share (of A; None when A is empty).
    """
    figures = _in_a(action_figures(con, filters))
    total = len(figures)
    rows = [{"rag": rag, "actions": int((figures["rag"] == rag).sum()),
             "share": int((figures["rag"] == rag).sum()) / total if total else None}
            for rag in RAGS]
    return pd.DataFrame(rows, columns=["rag", "actions", "share"])


def smart_results(con: Connection, filters: Filters, by_department: bool = False) -> pd.DataFrame:
    """SMART checks over A: how many actions pass and fail each check, and all five.

    Columns: department (None for the whole scope), check (Specific, Measurable, Achievable,
    Relevant, Time-bound, All five), passed, failed, pass_rate (None when A is empty).
    """
    figures = _in_a(action_figures(con, filters))
    groups: list[tuple[str | None, pd.DataFrame]] = [(None, figures)]
    if by_department:
        groups += [(str(d), g) for d, g in figures.groupby("department")]
    rows = []
    for department, group in groups:
        checks = {name: group[column].astype(bool) for name, column in SMART_CHECKS.items()}
        all_five = pd.concat(checks.values(), axis=1).all(axis=1) if len(group) else pd.Series(
            dtype=bool)
        for name, passed in [*checks.items(), ("All five", all_five)]:
            n = int(passed.sum())
            rows.append({"department": department, "check": name, "passed": n,
                         "failed": len(group) - n,
                         "pass_rate": n / len(group) if len(group) else None})
    return pd.DataFrame(rows, columns=["department", "check", "passed", "failed", "pass_rate"])
