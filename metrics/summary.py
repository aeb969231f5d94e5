"""When metrics may read `report_summary` (migration 004) instead of every action_status row.

The summary holds, per department × period × reported status, the counts and sums the KPIs,
the computed RAG and the stale actions are made of; `ingest.load.make_current` rebuilds a
department's rows whenever its reports in force change. Metrics read it only when it matches
the reports in force of the departments in scope (rows written any other way, as by a test's
hand-made history, are read directly) and no objective filter is set (it is not split by
objective); figures of the computed RAG also need the thresholds it was computed under to be
the ones in force. Either way the figures are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.db import Connection
from metrics import queries
from metrics.filters import Filters

NO_THRESHOLDS = {"red_slip_days": 0, "red_schedule_variance": 0.0, "amber_schedule_variance": 0.0}


def fresh(con: Connection, departments: Sequence[str], thresholds: dict[str, Any] | None = None
          ) -> bool:
    """True when the summary holds exactly the reports in force of these departments (all when
    empty) and, when `thresholds` are given, was computed under those RAG thresholds."""
    holds_reports, under_thresholds = freshness(con, departments, thresholds or NO_THRESHOLDS)
    return holds_reports and (thresholds is None or under_thresholds)


def freshness(con: Connection, departments: Sequence[str], thresholds: dict[str, Any]
              ) -> tuple[bool, bool]:
    """Both answers of one `summary_freshness` query: whether the summary holds exactly the
    reports in force of these departments (all when empty) — `fresh` without thresholds — and
    whether it does and was computed under these RAG thresholds — `fresh` with them."""
    params = {**{k: thresholds[k] for k in NO_THRESHOLDS}, "departments": sorted(set(departments))}
    stale, other_thresholds = queries.rows(con, "summary_freshness", params)[0]
    return int(stale) == 0, int(stale) == 0 and int(other_thresholds) == 0


def usable(con: Connection, filters: Filters, params: dict[str, Any], rag: bool = False) -> bool:
    """True when the summary gives the figures of `filters` (`params` from `query_params`):
    no objective filter, every report in force of the scope summarised, and for `rag` the RAG
    thresholds in force."""
    if filters.objectives:
        return False
    thresholds = {k: params[k] for k in NO_THRESHOLDS} if rag else None
    return fresh(con, filters.departments, thresholds)
