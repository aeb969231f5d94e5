"""Figures the dashboard's pages need beyond the KPIs: due-date moves, late actions, RAG over
time, one action's trail, and facts about uploads (the file a figure came from, data freshness).

Same contract as the rest of `metrics`: `f(con, ...) -> DataFrame | dict`, no Streamlit, SQL in
`metrics/sql/view_*.sql`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ingest.db import Connection
from metrics import queries
from metrics.actions import (
    RAGS,
    figures_for_months,
    figures_summary,
    history_months,
    resolve_month,
)
from metrics.breakdowns import rag_counts
from metrics.dependencies import with_dependencies
from metrics.filters import Filters, months_of
from metrics.kpis import months_with_data, plain, query_params

MOVE_COLUMNS: tuple[str, ...] = (
    "department", "action_id", "action", "period", "from_due_date", "to_due_date", "days_moved",
    "upload_id", "file_name", "sheet", "source_row",
)
MOVED_COLUMNS: tuple[str, ...] = (
    "department", "action_id", "action", "status", "rag", "baseline_due_date", "due_date",
    "moves", "days_moved", "first_moved_in", "last_moved_in", "slip_days",
)
LATE_COLUMNS: tuple[str, ...] = (
    "department", "action_id", "action", "responsible", "status", "rag", "percent_complete",
    "due_date", "baseline_due_date", "overdue", "days_overdue", "forecast_finish",
    "forecast_slip_days", "reason_code", "comments", "reason", "file_name", "sheet", "source_row",
)


def _moves_params(con: Connection, filters: Filters) -> dict[str, Any]:
    return {**query_params(con, filters), "month": resolve_month(con, filters)}


def due_date_moves(con: Connection, filters: Filters) -> pd.DataFrame:
    """Every change of due date of the actions in scope, up to the period: one row per move.

    A move is a report whose due date differs from the action's previous known due date (a
    first date after "TBC" is not a move). Actions are those reported for the period as filtered
    (objectives and statuses apply to the action as it stands in the period).
    Columns: MOVE_COLUMNS — period is the month of the report that moved it; days_moved is
    positive when the date moved later; upload_id, file_name, sheet, source_row say where.
    """
    moves = queries.frame(con, "view_due_date_moves", _moves_params(con, filters))
    if moves.empty:
        return pd.DataFrame(columns=list(MOVE_COLUMNS))
    return moves[list(MOVE_COLUMNS)]


def moved_actions(con: Connection, filters: Filters) -> pd.DataFrame:
    """The actions in scope whose due date moved at least once up to the period: how often, and
    how far from the baseline. Columns: MOVED_COLUMNS, most moves first, then furthest moved."""
    params = _moves_params(con, filters)
    # counted and joined to the month's figures inside DuckDB: only the moved actions come out
    out = queries.composed(con, "view_moved_actions", {
        "moved": "view_due_date_moves", "month_figures": "figures"},
        {**params, "months": [params["month"]], "with_moves": False, "action_ids": []})
    if out.empty:
        return pd.DataFrame(columns=list(MOVED_COLUMNS))
    # typed as the whole month's figures would be (a few rows may lack an empty cell)
    lacks = bool(out["month_lacks_slip_days"].iloc[0])
    out = _typed(out, ("action", "status", "rag"), ("slip_days",) if lacks else ())
    out["days_moved"] = [
        int((pd.Timestamp(d) - pd.Timestamp(b)).days) if pd.notna(d) and pd.notna(b) else None
        for d, b in zip(out["due_date"], out["baseline_due_date"], strict=True)]
    out["days_moved"] = out["days_moved"].astype("Int64")
    out = out.sort_values(["moves", "days_moved", "department", "action_id"],
                          ascending=[False, False, True, True])
    return out[list(MOVED_COLUMNS)].reset_index(drop=True)


def _typed(frame: pd.DataFrame, texts: tuple[str, ...], counts: tuple[str, ...]) -> pd.DataFrame:
    """Text columns as text and day counts as nullable integers, as in a whole month's figures
    (a few rows of it may lack the empty cell that gives a column its type)."""
    for name in texts:
        frame[name] = frame[name].astype("str")
    for name in counts:
        frame[name] = frame[name].astype("Int64")
    return frame


def late_actions(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions in A, not Completed, that are overdue or forecast to finish after their due date.

    Columns: LATE_COLUMNS — days_overdue (period_end − due_date, None when not overdue),
    reason_code and comments as the department reported them, and reason: the department's own
    words first, then the computed lateness, such as "Supplier delay: awaiting the vendor —
    overdue by 30 days" or "Forecast 12 days late". Overdue first, then the latest forecast.
    """
    late = figures_summary(con, filters, [resolve_month(con, filters)], "figures_late")
    late = _typed(late, ("department", "action_id", "action", "responsible", "status", "rag",
                         "reason", "file_name", "sheet"), ("days_overdue", "forecast_slip_days"))
    return late[list(LATE_COLUMNS)]


def period_reporting(con: Connection, filters: Filters) -> dict[str, Any]:
    """Who has reported the month the filters' figures come from (a quarter's last month with
    data), among the departments in scope: those chosen, else those expected to report
    (`catalogue.expected_departments`). A month some have not reported is provisional.

    Keys: month, expected (how many), reported and missing (lists, in scope order), since: the
    missing that have reported a later month (their report of this one is overdue, not still to
    come), silent: the departments in scope with no report in any month of the period (for
    a month, the missing; for a quarter, those that reported in none of its months), and
    deadline: the day the month's report was due (a date; None without a month of data).
    """
    from metrics.catalogue import expected_departments

    month = resolve_month(con, filters)
    scope = list(dict.fromkeys(filters.departments)) or expected_departments(con, month)
    by_month = {str(p): set(ds) for p, ds in
                queries.frame(con, "reported_departments", {}).itertuples(index=False)}
    have = by_month.get(month, set())
    anywhere = set().union(*(by_month.get(m, set()) for m in months_of(filters.period)))
    later = set().union(*(ds for m, ds in by_month.items() if m > month))
    deadline = (queries.scalar(con, "month_deadline", {**query_params(con, filters), "month": month})
                if month else None)
    return {"month": month, "expected": len(scope), "deadline": deadline,
            "reported": [d for d in scope if d in have],
            "missing": [d for d in scope if d not in have],
            "since": [d for d in scope if d not in have and d in later],
            "silent": [d for d in scope if d not in anywhere]}


def rag_trend(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions in A per computed RAG for every month up to the period (from `period_from` when
    given). Columns: period, rag, actions, share (of that month's A). Every RAG in every month."""
    counts = rag_counts(con, filters, history_months(con, filters))
    by_month = counts.groupby("period")[["actions", *(r.lower() for r in RAGS)]].sum()
    rows = []
    for month, row in by_month.iterrows():
        total = int(row["actions"])
        for rag in RAGS:
            n = int(row[rag.lower()])
            rows.append({"period": month, "rag": rag, "actions": n,
                         "share": n / total if total else None})
    return pd.DataFrame(rows, columns=["period", "rag", "actions", "share"])


def action_trail(con: Connection, filters: Filters, department: str, action_id: str,
                 dependencies: bool = True) -> pd.DataFrame:
    """One action's reports, month by month up to the period, each with its per-action figures
    and the file, sheet and row it came from. Columns: as `action_history`, oldest first;
    without `dependencies`, without the dependency figures (not worked out: see
    `action_figures`)."""
    scoped = Filters(filters.period, (department,), period_from=None)
    trail = figures_for_months(con, scoped, history_months(con, scoped), action_ids=(action_id,),
                               dependencies=dependencies)
    return trail.sort_values("period").reset_index(drop=True)


def current_upload(con: Connection, department: str, period: str) -> dict[str, Any] | None:
    """The upload in force for a department and month (upload_id, sha256, file_name, uploaded_by,
    uploaded_at, submitted_at, row_count, warning_count), or None when it has not reported."""
    rows = queries.frame(con, "view_current_upload", {"department": department, "period": period})
    if rows.empty:
        return None
    return {k: plain(v) for k, v in rows.iloc[0].items()}


def upload_file(con: Connection, upload_id: int) -> tuple[str, bytes] | None:
    """(file name, original bytes) of the file an upload was read from, or None."""
    rows = queries.frame(con, "view_upload_file", {"upload_id": int(upload_id)})
    if rows.empty:
        return None
    content = rows.iloc[0]["content"]
    return str(rows.iloc[0]["file_name"]), bytes(content)


def upload_history(con: Connection, filters: Filters, whole_history: bool = True
                   ) -> pd.DataFrame:
    """Every file received for the departments in scope — for every month when `whole_history`,
    else the months of the period — newest first: accepted, rejected and duplicates.

    Columns: upload_id, department, period, file_name, status, is_current, uploaded_by,
    uploaded_at, submitted_at, row_count, error_count, warning_count, skipped_count,
    mapping_name, replaced_upload_id, sha256.
    """
    months = [] if whole_history else months_of(filters.period)
    return queries.frame(con, "view_upload_history", {
        "departments": sorted(set(filters.departments)), "months": months})


def files_ahead(con: Connection, filters: Filters) -> pd.DataFrame:
    """Files received for the departments in scope for a month after the organisation's latest
    month with figures. That month is not in the Period list yet, so a rejected first file of a
    new month shows nowhere else. Columns as `upload_history`'s, newest first."""
    months = months_with_data(con, ())
    received = upload_history(con, filters)
    if not months:
        return received
    return received[received["period"].astype(str) > max(months)].reset_index(drop=True)


def data_freshness(con: Connection) -> dict[str, Any]:
    """last_upload_at, reports_in_force, latest_period, register_version, register_loaded_at."""
    row = queries.frame(con, "view_data_freshness", {}).iloc[0]
    return {k: plain(v) for k, v in row.items()}


def register_versions(con: Connection) -> pd.DataFrame:
    """Every register uploaded, newest first: register_version, file_name, loaded_by, loaded_at,
    objective_count, department_count, sha256."""
    return queries.frame(con, "view_register_versions", {})


def next_period(con: Connection, department: str | None = None) -> str:
    """The month after the department's latest report (the organisation's when None or when the
    department has none): the period its next template is for."""
    months = months_with_data(con, (department,) if department else ())
    if not months and department:
        months = months_with_data(con, ())
    if not months:
        today = pd.Timestamp.today()
        return f"{today.year:04d}-{today.month:02d}"
    return _shift(months[-1], 1)


def _shift(month: str, n: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def status_against_rag(con: Connection, filters: Filters) -> pd.DataFrame:
    """Self-reported status (rows) against computed RAG (columns), counting the actions in A:
    where a department's own words and the figures disagree. Columns: status, Red, Amber,
    Green, Complete, total; one row per status that occurs."""
    figures = figures_summary(con, filters, [resolve_month(con, filters)], "figures_status_rag")
    rows = []
    for status, group in figures.groupby("status", sort=False):
        row: dict[str, Any] = {"status": status}
        for rag in RAGS:
            row[rag] = int((group["rag"] == rag).sum())
        row["total"] = len(group)
        rows.append(row)
    order = {s: i for i, s in enumerate(("Not started", "In progress", "At risk", "Delayed",
                                         "On hold", "Completed"))}
    out = pd.DataFrame(rows, columns=["status", *RAGS, "total"])
    return out.sort_values("status", key=lambda s: s.map(order)).reset_index(drop=True)


def export_table(con: Connection, filters: Filters, dependencies: bool = True) -> pd.DataFrame:
    """The Explore & export table exactly as filtered, before neutralising: `action_figures`
    with dates as dates and failed_checks as text (without `dependencies`, without
    DEPENDENCY_COLUMNS: `metrics.dependencies.with_dependencies` adds them from the month's
    links)."""
    return figures_for_months(con, filters, [resolve_month(con, filters)], dates_as_objects=True,
                              dependencies=dependencies)


def explore_table(con: Connection, filters: Filters, rags: tuple[str, ...] = (),
                  search: str = "") -> pd.DataFrame:
    """The Explore & export table: `export_table` as filtered, then `narrowed` to the computed
    RAGs and the search asked. Not neutralised: `presentation.export.table_bytes` does that on
    export."""
    return narrowed(export_table(con, filters), rags, search)


def explore_rows(figures: pd.DataFrame, columns: pd.DataFrame, rags: tuple[str, ...] = (),
                 search: str = "") -> pd.DataFrame:
    """`explore_table` made from what a page holds: the month's figures without the dependency
    columns (`export_table(..., dependencies=False)`) and those columns worked out from the
    month's links (`metrics.dependencies.dependency_columns`), not from the network again."""
    return narrowed(with_dependencies(figures, columns), rags, search)


def narrowed(table: pd.DataFrame, rags: tuple[str, ...] = (), search: str = "") -> pd.DataFrame:
    """The rows of an Explore table (`export_table`'s columns) with one of the computed RAGs asked
    (none = all) and whose ID, description, responsible or comments contain `search`
    (case-insensitive)."""
    if rags:
        table = table[table["rag"].isin(list(rags))]
    needle = search.strip().casefold()
    if needle:
        text = table[["action_id", "action", "responsible", "comments"]].astype("string").fillna(
            "").agg(" ".join, axis=1).str.casefold()
        table = table[text.str.contains(needle, regex=False)]
    return table.reset_index(drop=True)
