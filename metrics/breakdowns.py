"""Breakdowns for the Overview, Alignment and Slippage pages: by department (league table),
objective, responsible party, status, RAG and SMART check.

The per-action figures are summarised inside DuckDB (`figures_*.sql` over the rows of
`action_figures.sql`, in one statement), so only the summary rows reach pandas.
"""

from __future__ import annotations

import pandas as pd

from ingest.db import Connection
from metrics import queries, summary
from metrics.actions import RAGS, SMART_CHECKS, figures_summary, resolve_month
from metrics.filters import STATUSES, Filters, natural_rows
from metrics.kpis import KPI_NAMES, department_kpis, query_params

# Department RAG (league table): Red when at least a quarter of its actions are Red; Amber when
# at least a tenth are Red, or at least a quarter are Red or Amber; else Green.
DEPARTMENT_RED_SHARE = 0.25
DEPARTMENT_AMBER_RED_SHARE = 0.10
DEPARTMENT_AMBER_OFF_TRACK_SHARE = 0.25
SMART_NAMES: tuple[str, ...] = (*SMART_CHECKS, "All five")


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


def _summary(con: Connection, filters: Filters, name: str) -> pd.DataFrame:
    """A `figures_*` summary of the actions of the filters' scope and period."""
    return figures_summary(con, filters, [resolve_month(con, filters)], name)


def rag_counts(con: Connection, filters: Filters, months: list[str]) -> pd.DataFrame:
    """How many actions in A each department has of each computed RAG, for these months exactly
    (filters.period is not used). Columns: period, department, actions, red, amber, green,
    complete; one row per month and department with actions in A."""
    params = {**query_params(con, filters), "months": months}
    if summary.usable(con, filters, params, rag=True):
        return queries.frame(con, "summary_rag", params)
    return figures_summary(con, filters, months, "figures_rag_by_period")


def department_league(con: Connection, filters: Filters) -> pd.DataFrame:
    """One row per department in scope: its KPIs, RAG counts and a computed department RAG.

    Columns: rank, department, period, month, actions, every KPI name, red, amber, green,
    complete (counts of computed action RAG in A), red_share (red / actions), department_rag
    (rule: DEPARTMENT_* constants; None without actions). Ranked by completion_rate, then
    mean_progress, highest first (departments without actions last).
    """
    params = query_params(con, filters)
    # one freshness query for both: the KPIs need the reports, the RAG counts the thresholds too
    fresh, fresh_rag = summary.freshness(con, filters.departments, params)
    league = department_kpis(con, filters, fresh=fresh)
    columns = ["department", "month", *(rag.lower() for rag in RAGS)]
    months = sorted({str(m) for m in league["month"]})
    # each department's counts for its own month (a quarter takes each one's last with data)
    if not months:
        counts = pd.DataFrame(columns=columns)
    else:
        counts = (queries.frame(con, "summary_rag", {**params, "months": months})
                  if fresh_rag and not filters.objectives  # as rag_counts, asked once
                  else rag_counts(con, filters, months))
        counts = counts.rename(columns={"period": "month"})[columns]
    out = league.drop(columns=["scope"]).merge(counts, on=["department", "month"], how="left")
    for rag in RAGS:
        out[rag.lower()] = out[rag.lower()].fillna(0).astype(int)
    actions = out["actions"].astype(int)
    out["red_share"] = (out["red"] / actions.where(actions > 0)).astype("Float64")
    out["department_rag"] = [department_rag(r, a, n) for r, a, n in
                             zip(out["red"], out["amber"], actions, strict=True)]
    out = out.sort_values(["completion_rate", "mean_progress", "department"],
                          ascending=[False, False, True], na_position="last")
    out.insert(0, "rank", range(1, len(out) + 1))
    ordered = ["rank", "department", "period", "month", "actions", *KPI_NAMES, "red", "amber",
               "green", "complete", "red_share", "department_rag"]
    return out[ordered].reset_index(drop=True)


def objective_alignment(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions in A and their budget per objective × department, for the period.

    Columns: objective_id (None for actions with no valid objective), objective, pillar,
    priority, department, actions, budget_allocated, budget_spent.
    """
    params = {**query_params(con, filters), "month": resolve_month(con, filters)}
    return queries.frame(con, "actions_by_objective", params)


def objectives_without_action(con: Connection, filters: Filters) -> pd.DataFrame:
    """Objectives of the register in force with no action in A for the scope and period.

    Columns: objective_id, objective, pillar, owner, period, priority; in the natural order of
    the codes (SO2 before SO10).
    """
    params = {**query_params(con, filters), "month": resolve_month(con, filters)}
    return natural_rows(queries.frame(con, "objectives_without_action", params))


def actions_without_objective(con: Connection, filters: Filters) -> pd.DataFrame:
    """The actions in A whose objective_id was not in the register (or is empty).

    Columns: as `action_figures` (ACTION_COLUMNS).
    """
    return figures_summary(con, filters, [resolve_month(con, filters)],
                           "figures_without_objective", with_moves=True)


def by_responsible(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions in A per responsible party ('(not given)' where none was given).

    Columns: responsible, departments (names, comma-separated), actions, completed, overdue,
    slipped, red, mean_progress (percent), budget_allocated, budget_spent. Most actions first.
    """
    return _summary(con, filters, "figures_by_responsible")


def by_status(con: Connection, filters: Filters) -> pd.DataFrame:
    """Reported actions per self-reported status, Cancelled included, in the order of §2.3.

    Columns: status, actions, share (of all reported actions as filtered; None when there are
    none), budget_allocated, budget_spent. Every status appears (0 where none), or only the
    filtered statuses.
    """
    counts = _summary(con, filters, "figures_by_status").set_index("status")
    total = int(counts["actions"].sum())
    rows = []
    for status in filters.statuses or STATUSES:
        found = status in counts.index
        actions = int(counts.loc[status, "actions"]) if found else 0
        rows.append({
            "status": status,
            "actions": actions,
            "share": actions / total if total else None,
            "budget_allocated": counts.loc[status, "budget_allocated"] if found else None,
            "budget_spent": counts.loc[status, "budget_spent"] if found else None,
        })
    return pd.DataFrame(rows, columns=["status", "actions", "share", "budget_allocated",
                                       "budget_spent"])


def by_rag(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions in A per computed RAG (Red, Amber, Green, Complete; every one listed).

    Columns: rag, actions, share (of A; None when A is empty).
    """
    counts = rag_counts(con, filters, [resolve_month(con, filters)])
    total = int(counts["actions"].sum())
    rows = []
    for rag in RAGS:
        n = int(counts[rag.lower()].sum())
        rows.append({"rag": rag, "actions": n, "share": n / total if total else None})
    return pd.DataFrame(rows, columns=["rag", "actions", "share"])


def smart_results(con: Connection, filters: Filters, by_department: bool = False) -> pd.DataFrame:
    """SMART checks over A: how many actions pass and fail each check, and all five.

    Columns: department (None for the whole scope), check (Specific, Measurable, Achievable,
    Relevant, Time-bound, All five), passed, failed, pass_rate (None when A is empty).
    """
    counts = _summary(con, filters, "figures_smart_by_department")
    groups: list[tuple[str | None, pd.Series]] = [(None, counts.sum(numeric_only=True))]
    if by_department:
        groups += [(str(row["department"]), row) for _, row in counts.iterrows()]
    rows = []
    for department, row in groups:
        total = int(row.get("actions", 0))
        for name in SMART_NAMES:
            passed = int(row.get(name, 0))
            rows.append({"department": department, "check": name, "passed": passed,
                         "failed": total - passed,
                         "pass_rate": passed / total if total else None})
    return pd.DataFrame(rows, columns=["department", "check", "passed", "failed", "pass_rate"])
