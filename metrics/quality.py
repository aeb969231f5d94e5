"""Data quality of each department's report (SPEC §5.11) for the Submissions page."""

from __future__ import annotations

import pandas as pd

from ingest.db import Connection
from metrics import queries, summary
from metrics.filters import Filters, months_of, periods_between
from metrics.kpis import query_params, resolved_kpis

QUALITY_COLUMNS: tuple[str, ...] = (
    "department", "period", "deadline", "state", "on_time", "first_submitted_at",
    "current_submitted_at", "versions", "rejected", "upload_id", "file_name", "row_count",
    "warning_count", "warnings_per_row", "smart_pass_share", "stale_actions", "not_reported",
)


def _months(filters: Filters) -> list[str]:
    """Every month of the period, or of the range `period_from`..`period`."""
    periods = (periods_between(filters.period_from, filters.period)
               if filters.period_from is not None else [filters.period])
    return [m for p in periods for m in months_of(p)]


def stale_actions(con: Connection, filters: Filters) -> pd.DataFrame:
    """Actions that are stale in the months of the period (or range): not Completed and with the
    same status and percent_complete in three consecutive reports of their department.

    Columns: department, period, action_id, action, objective_id, status, percent_complete,
    since_period (the first of the three reports), upload_id, sheet, source_row; an action stale
    in several months of a quarter has a row for each. The objective and status filters choose
    the actions listed; a report's count of stale actions (`report_quality`) is of all of them.
    """
    return _stale(con, _months(filters), filters, plan_filters=True)


def _stale(con: Connection, months: list[str], filters: Filters, *,
           plan_filters: bool = False) -> pd.DataFrame:
    chosen = filters.params()
    params = {"months": months, "departments": chosen["departments"],
              "objectives": chosen["objectives"] if plan_filters else [],
              "statuses": chosen["statuses"] if plan_filters else []}
    return queries.frame(con, "stale_actions", params)


def report_quality(con: Connection, filters: Filters) -> pd.DataFrame:
    """One row per department in scope × month of the period (or range `period_from`..`period`).

    Columns: QUALITY_COLUMNS — department, period (month), deadline (date), state ('on time',
    'late', 'missing' or 'rejected' when only rejected files came), on_time (bool, None when
    missing), first_submitted_at (first accepted version: what on time is judged by),
    current_submitted_at (the version in force), versions (accepted versions), rejected
    (the rejections that stand: failed submissions recorded for a month with no accepted
    version; 0 once a version is accepted — the files stay in `upload_history`), upload_id, file_name, row_count, warning_count of the version in force,
    warnings_per_row, smart_pass_share (share of its actions, Cancelled left out, passing all
    five SMART checks; None when it has none), stale_actions (count; None when missing),
    not_reported (open actions the report left out, carried forward: "not reported in <month>";
    None when missing).
    """
    months = _months(filters)
    report_filters = Filters(months[-1], filters.departments)
    params = {**query_params(con, report_filters), "months": months}
    reports = queries.frame(con, "report_quality", params)  # text columns: Arrow is quicker
    fresh = summary.fresh(con, filters.departments)
    if fresh:  # smart_compliance and stale actions of each department and month, from the summary
        smart = queries.frame(con, "summary_quality", params)
        if smart["smart_pass_share"].isna().all():  # no share at all: None, as resolved_kpis
            smart["smart_pass_share"] = pd.Series([None] * len(smart), index=smart.index,
                                                  dtype=object)
        out = reports.merge(smart, on=["department", "period"], how="left")
    else:
        smart = resolved_kpis(con, report_filters, months, per_department=True)
        smart = smart[smart["department"].notna()][["department", "period", "smart_compliance"]]
        smart = smart.rename(columns={"smart_compliance": "smart_pass_share"})
        out = reports.merge(smart, on=["department", "period"], how="left")
        stale = _stale(con, months, filters)
        counts = stale.groupby(["department", "period"]).size().rename(
            "stale_actions").reset_index()
        out = out.merge(counts, on=["department", "period"], how="left")
    # a month without a report in force has no figures: None, not 0 (docs/kpis.md)
    out["stale_actions"] = out["stale_actions"].fillna(0).astype("Int64")
    out.loc[out["upload_id"].isna(), "stale_actions"] = pd.NA
    out.loc[out["upload_id"].isna(), "smart_pass_share"] = None
    return out[list(QUALITY_COLUMNS)]
