"""Explore & export: every filter, the actions with their figures, downloads of exactly those."""

import streamlit as st

from dashboard import auth, components, filters
from dashboard.data import Data
from metrics import views
from metrics.actions import RAGS
from metrics.filters import STATUSES

d = Data()
currency = d.setting("currency")
st.title("Explore & export")
left, middle, right = st.columns([2, 2, 2])
statuses = left.multiselect("Reported status", list(STATUSES), key="status",
                            bind="query-params", placeholder="Every status")
rags = middle.multiselect("Computed RAG", list(RAGS), key="rag", bind="query-params",
                          placeholder="Every RAG")
search = right.text_input("Search", key="q", bind="query-params",
                          placeholder="Action ID, description, responsible, comments")
f = components.require_filters(d, tuple(statuses))

table = d(views.explore_table, f, tuple(rags), search or "")
if table.empty:
    components.empty("No action matches these filters. Clear the status, RAG or search filters "
                     "above, or the objective filter in the sidebar.")
    st.stop()

stem = filters.file_stem(f, "actions")
exports = auth.may(auth.current(), "export")
st.caption(f"**{filters.describe(f)}** — **{len(table)} actions** in "
           f"{table['department'].nunique()} departments. "
           + ("The downloads hold exactly these rows, with every reported field (comments and "
              "risks included) and every per-action figure; text a spreadsheet would run as a "
              "formula is neutralised with a leading apostrophe. Each download is logged."
              if exports else "Your role may read these rows here but not download them: "
              "leadership, the M&E team and the policy office export."))
components.table(
    table, key="explore", stem=stem, currency=currency, height=560, download=table,
    prominent=True, sheet="Actions",
    applied_filters={"statuses": list(statuses), "rags": list(rags), "search": search},
    columns=["department", "action_id", "action", "objective_id", "responsible", "status", "rag",
             "percent_complete", "planned_progress", "schedule_variance", "start_date",
             "due_date", "baseline_due_date", "slip_days", "forecast_finish",
             "forecast_slip_days", "budget_allocated", "budget_spent", "smart_score",
             "failed_checks", "quality_review", "risk_level", "reason_code", "comments",
             "file_name", "sheet", "source_row"])
