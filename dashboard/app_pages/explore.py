"""Explore & export: every filter, the actions with their figures, downloads of exactly those."""

import pandas as pd
import streamlit as st

import metrics
from dashboard import auth, components, filters
from dashboard.data import Data
from ingest.words import plural
from metrics import dependencies, views
from metrics.actions import RAGS
from metrics.filters import STATUSES
from presentation import labels
from presentation.labels import objective_labels
from presentation.markup import md

# issue 16: what each action waits on, and what that does to its plan
DEPENDENCY_COLUMNS = ("depends_on", "initiative", "waiting_on", "blocked", "dependency_forecast",
                      "slip_from_dependencies")

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
# a department chosen that has not reported the month adds no rows: said, not left to be guessed
reporting = filters.provisional(d, f)

if f.departments:  # the dependency figures of their actions: the network upstream of them
    table = d(views.explore_table, f, tuple(rags), search or "")
else:  # the whole network: the month's links, worked out once for every Explore, Department
    # and Dependencies view of the month (views.explore_table gives the same table)
    scope = dependencies.links_scope(f)
    columns = d.shared(dependencies.dependency_columns, d(dependencies.month_links, scope),
                       inputs=(scope,))
    table = d.shared(views.explore_rows, d(views.export_table, f, dependencies=False), columns,
                     tuple(rags), search or "", inputs=(f, scope))
register = d(metrics.list_objectives)
if table.empty:
    components.empty("No action matches these filters. Clear the status, RAG or search filters "
                     "above, or the objective filter in the sidebar.")
    st.stop()


def with_objectives(table: pd.DataFrame, register: pd.DataFrame
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The objective by name: "SO4 · Keep operating…" on screen (the second table); the code
    and the whole title downloaded (the first)."""
    titles = dict(zip(register["objective_id"].astype(str), register["objective"], strict=True))
    named = objective_labels(register)
    at = table.columns.get_loc("objective_id") + 1  # the title beside the code, in a new table
    table = pd.concat([table.iloc[:, :at], table["objective_id"].map(titles).rename("objective"),
                       table.iloc[:, at:]], axis=1)
    return table, table.assign(objective_id=[named.get(o, o) for o in table["objective_id"]])


# made once per data version and view, and shared: ~80,000 rows at 1M (not changed below)
view = (f, tuple(rags), search or "")
table, shown = d.shared(with_objectives, table, register, inputs=view)
stem = filters.file_stem(f, "actions", rags, search or "")
exports = auth.may(auth.current(), "export")
cancelled = int((table["status"] == "Cancelled").sum())
# the view in words: the sidebar's filters, and this page's RAG and search (the search is text
# someone typed: escaped)
described = filters.describe(f) + (f" · computed RAG {', '.join(rags)}" if rags else "") + (
    f" · search “{md(search)}”" if search else "")
st.caption(f"**{described}** — **{plural(len(table), 'action')}** in "
           f"{plural(table['department'].nunique(), 'department')}"
           + (f", {cancelled} of them Cancelled (listed here, counted in no KPI). " if cancelled
              else ". ")
           + ("The downloads hold exactly these rows, with every reported field (comments and "
              "risks included) and every per-action figure; text a spreadsheet would run as a "
              "formula is neutralised with a leading apostrophe. Each download is logged."
              if exports else "Your role may read these rows here but not download them: "
              "leadership, the M&E team and the policy office export."))
components.table(
    shown, key="explore", stem=stem, currency=currency, download=table,
    height=560 if len(table) > 14 else "auto",  # a few rows: no empty grid below them
    prominent=True, sheet="Actions", scope=f, d=d, inputs=view,
    labels={"objective_id": st.column_config.TextColumn(
        labels.column_label("objective_id"), width=250,
        help="Code and title in the strategy register (the code alone when it is not in it).")},
    applied_filters={"statuses": list(statuses), "rags": list(rags), "search": search,
                     "not_reported": reporting["missing"] if reporting else []},
    columns=["department", "action_id", "action", "objective_id", "responsible", "status", "rag",
             "percent_complete", "planned_progress", "schedule_variance", "start_date",
             "due_date", "baseline_due_date", "slip_days", "forecast_finish",
             "forecast_slip_days", "budget_allocated", "budget_spent", "smart_score",
             "failed_checks", "quality_review", "risk_level", "reason_code", "comments",
             *DEPENDENCY_COLUMNS, "file_name", "sheet", "source_row"])
