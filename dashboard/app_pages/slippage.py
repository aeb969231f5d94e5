"""Slippage: baseline against current due dates, what moved and how often, what is late."""

import pandas as pd
import streamlit as st

import metrics
from dashboard import components, filters
from dashboard.data import Data
from metrics import views
from presentation import charts, theme
from presentation.markup import md


def timeline_rows(figures: pd.DataFrame, only: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The actions in the plan with a due date (`only`: those that moved, slipped or are
    forecast late), and those of them the timeline draws (charts.most_slipped)."""
    plan = figures[figures["status"] != "Cancelled"]
    if only:
        plan = plan[plan["rescheduled"].astype(bool) | (plan["slip_days"].fillna(0) > 0)
                    | (plan["forecast_slip_days"].fillna(0) > 0) | plan["overdue"].astype(bool)]
    dated = plan.dropna(subset=["due_date"])
    return dated, charts.most_slipped(dated) if len(dated) else dated


d = Data()
f = components.require_filters(d)
currency = d.setting("currency")
components.heading("Slippage", f, "what moved, how often, and what is running late")
filters.provisional(d, f)

changes = d(metrics.kpi_changes, f)
history = filters.history(f, d)
trend = d(metrics.kpi_trend, history)
if not changes.set_index("kpi")["value"].get("actions"):
    components.empty("No actions match these filters for this period. Clear the objective filter "
                     "or choose another period in the sidebar.")
    st.stop()
components.kpi_tiles(changes, trend, components.SLIPPAGE_KPIS)

st.subheader("Timeline: current plan against baseline")
only = st.toggle("Only actions that moved, slipped or are forecast late", value=True,
                 key="only_moved", bind="query-params")
# made once per data version and view, and shared (not changed below)
dated, drawn = d.shared(timeline_rows, d(metrics.action_figures, f, dependencies=False), only,
                        inputs=(f,))
if dated.empty:
    components.empty("No action in scope has a due date to draw. Turn off the toggle above to "
                     "see every action.")
else:
    shown = ("" if len(drawn) == len(dated) else
             f"{theme.number(len(drawn))} of {theme.number(len(dated))} actions drawn: those "
             "furthest behind (most days past their baseline due date, or forecast to finish "
             "after their due date). The tables below and Explore & export list them all. ")
    key = charts.initials_key(drawn["department"])
    st.caption(shown + "Wide bar: start → current due date, in the action's computed RAG "
               "colour. Thin dark bar ending in ◆: the baseline plan (the due date first "
               "reported). ✕: forecast finish at the current pace."
               + (f" Departments: {md(key)}." if key else ""))
    components.chart(d.figure(charts.gantt, drawn, inputs=(f, only)), config=charts.CONFIG,
                    theme=None)

st.subheader("What moved, and how often")
# tabs that track which one is open: only the open tab's table is made and sent
by_action, every = st.tabs(["By action", "Every move"], key="moves_tab", on_change="rerun")
with by_action:
    if by_action.open:
        moved = d(views.moved_actions, f)
        if moved.empty:
            st.success("No due date has moved.", icon=":material/check_circle:")
        else:
            components.table(moved, key="moved", d=d, inputs=(f,),
                             stem=filters.file_stem(f, "moved"),
                             currency=currency,
                             columns=["department", "action_id", "action", "moves",
                                      "baseline_due_date", "due_date", "days_moved", "rag"],
                             labels={"moves": st.column_config.NumberColumn(
                                 "Moves", help="Reports in which the due date changed.")})
with every:
    if every.open:
        moves = d(views.due_date_moves, f)
        if moves.empty:
            st.success("No due date has moved.", icon=":material/check_circle:")
        else:
            components.table(moves, key="moves", d=d, inputs=(f,),
                             stem=filters.file_stem(f, "due-date-moves"),
                             currency=currency,
                             columns=["department", "action_id", "action", "period", "from_due_date",
                                      "to_due_date", "days_moved", "file_name", "sheet",
                                      "source_row"],
                             labels={"period": st.column_config.TextColumn(
                                 "In report", help="The month of the report that moved it.")})

st.subheader("Overdue and forecast-late actions")
late = d(views.late_actions, f)
if late.empty:
    st.success("No open action is overdue or forecast to finish late.",
               icon=":material/check_circle:")
else:
    st.caption("Why: the department's own reason code and comment first, then how late the "
               "figures make it.")
    components.table(late, key="late", d=d, inputs=(f,),
                     stem=filters.file_stem(f, "late"), currency=currency,
                     columns=["department", "action_id", "action", "days_overdue",
                              "forecast_slip_days", "reason", "rag", "status", "responsible",
                              "percent_complete", "due_date", "forecast_finish", "file_name",
                              "source_row"],
                     # the action narrower, so that the reason reads beside the days late
                     labels={"action": st.column_config.TextColumn("Action", width="medium"),
                             "days_overdue": st.column_config.NumberColumn(
                                 "Overdue", format="%d days", width=90),
                             "forecast_slip_days": st.column_config.NumberColumn(
                                 "Forecast late", format="%d days", width=110),
                             "reason": st.column_config.TextColumn(
                                 "Why", width="large", help="The department's reason code and "
                                 "comment as reported, then the lateness the figures show.")})

st.subheader("Slippage by department over time")
by_dept = d(metrics.kpi_trend, history, by_department=True)
measure = st.segmented_control(
    "Measure", ["Slipped actions", "Mean slip (days)", "Overdue share"], default="Slipped actions",
    key="slip_measure", bind="query-params", required=True)
column, label, percent = {
    "Slipped actions": ("slipped_count", "actions", False),
    "Mean slip (days)": ("mean_slip_days", "days", False),
    "Overdue share": ("overdue_rate", "overdue", True),
}[measure or "Slipped actions"]
lines = charts.top_departments(by_dept, column)
shown, every = lines["department"].nunique(), by_dept["department"].dropna().nunique()
if shown < every:
    st.caption(f"{shown} of {every} departments drawn: those with the highest "
               f"{measure.lower()} in {theme.period_label(f.period)}. Choose departments in the "
               "sidebar to compare others.")
components.chart(d.figure(charts.department_lines, lines, column, label, "", percent,
                         inputs=(history,)), config=charts.CONFIG, theme=None)
