"""Overview: the organisation at a glance — KPI tiles, department league table, trends.

A month some departments have not reported is marked provisional, and the league lists them as
"not yet reported". A league row or a department's bar opens that department's page."""

import pandas as pd
import streamlit as st

import metrics
from dashboard import components, filters
from dashboard.data import Data
from ingest.words import plural
from metrics import views
from metrics.filters import is_quarter
from presentation import charts, theme

DELIVERY = (("completion_rate", "Completion"), ("on_time_rate", "On time"),
            ("overdue_rate", "Overdue"), ("budget_utilisation", "Budget utilisation"))
NOT_REPORTED = "Not yet reported"
SKIPPED = "Not reported"  # no report for the period, though it has reported later months
QUALITY = (("quality_pass_rate", "Quality pass"), ("target_attainment", "Target attainment"),
           ("smart_compliance", "SMART compliance"), ("alignment_rate", "Alignment"))

d = Data()
f = components.require_filters(d)
currency = d.setting("currency")
components.heading("Overview", f, "how far the plan has come, and who is on track")
filters.provisional(d, f)

changes = d(metrics.kpi_changes, f)
history = filters.history(f, d)
trend = d(metrics.kpi_trend, history)
now = changes.set_index("kpi")["value"]
if not now.get("actions"):
    components.empty("No actions match these filters for this period. Clear the objective filter "
                     "or choose another period in the sidebar.")
    st.stop()

components.kpi_tiles(changes, trend, components.OVERVIEW_KPIS)
rags = d(metrics.by_rag, f).set_index("rag")["actions"].to_dict()
st.markdown(f"{plural(now['actions'], 'action')} in scope (Cancelled left out), by computed RAG "
            f"{components.rag_counts_line(rags)} · mean progress "
            f"{theme.percent_points(now['mean_progress'])} · {int(now['slipped_count'] or 0)} "
            "slipped past their baseline due date.", unsafe_allow_html=True)
# one department chosen: its own changes; else the organisation's (the caption says so)
components.what_changed(d, f, f.departments[0] if len(f.departments) == 1 else None)

st.subheader("Departments")
league = d(metrics.department_league, f)
ranked = league[league["actions"] > 0]
# the departments that have not reported the period are listed last, saying so
reporting = d(views.period_reporting, f)
silent = reporting["silent"]
unranked = league[league["department"].isin(silent) & (league["actions"] == 0)]
shown = pd.concat([ranked, unranked.assign(
    rank=pd.NA, actions=pd.NA, department_rag=[SKIPPED if x in reporting["since"] else NOT_REPORTED
                                               for x in unranked["department"]])],
                  ignore_index=True)
shown[["rank", "actions"]] = shown[["rank", "actions"]].astype("Int64")
# a quarter gives each department's figures of its last month with a report: named beside them
quarter = is_quarter(f.period)
if quarter:
    shown["report_of"] = theme.report_months(shown)
st.caption("Choose a department (a row, or the name on its card on a phone) to open its page: "
           "its actions, their reasons and comments." + (f" {len(silent)} without a report for the period, listed last." if silent else ""))
picked = components.table(
    shown, key="league", stem=filters.file_stem(f, "league"), currency=currency, d=d, inputs=(f,),
    columns=["rank", "department", *(["report_of"] if quarter else []), "department_rag",
             "actions", "completion_rate", "mean_progress",
             "on_time_rate", "overdue_rate", "slipped_count", "budget_utilisation",
             "cost_performance_index", "smart_compliance", "alignment_rate"],
    download=shown, on_select="rerun", selection_mode="single-row",
    labels={"rank": st.column_config.NumberColumn("#", width="small", pinned=True),
            "department": st.column_config.TextColumn("Department", pinned=True),
            "department_rag": st.column_config.TextColumn(  # wide enough for NOT_REPORTED
                "RAG", width=128, help="Computed from its actions: Red when at least a quarter are Red; "
                "Amber when at least a tenth are Red or a quarter Red or Amber; else Green. "
                f"“{NOT_REPORTED}”: no report in force for the period yet; “{SKIPPED}”: none "
                "for the period, though it has reported later months."),
            "report_of": st.column_config.TextColumn(
                "Report of", help="The month of the department's figures: its last month with "
                "a report in the quarter."),
            "actions": st.column_config.NumberColumn("Actions", width="small"),
            "slipped_count": st.column_config.NumberColumn("Slipped", width="small")})
components.phone_cards(  # on a phone, one card per department in place of the wide table
    shown, "league", title="department", chip="department_rag", currency=currency,
    link=lambda name: components.page_link("department", department=name),
    fields=[("rank", "Rank", "count"), *([("report_of", "Report of", "text")] if quarter else []),
            ("actions", "Actions", "count"),
            ("completion_rate", "Complete", "rate"), ("on_time_rate", "On time", "rate"),
            ("overdue_rate", "Overdue", "rate"), ("slipped_count", "Slipped", "count"),
            ("budget_utilisation", "Budget used", "rate"),
            ("smart_compliance", "SMART", "rate")])
chosen = filters.selected_row(picked, shown, "department")
if chosen:
    filters.open_department(chosen)

# One chart at a time: tabs that track which one is open run only that one, so a change of
# filter draws one chart, not four (each is slow for the browser to draw).
st.subheader("Breakdown and trends")
by_department, by_month, delivery, quality = st.tabs(
    ["RAG by department", "RAG month by month", "Completion, timeliness and spend",
     "Quality, targets and alignment"], key="chart", on_change="rerun")
if by_department.open:
    with by_department:
        drawn = charts.most_red(ranked)
        st.markdown("Actions by computed RAG, per department "
                    + " ".join(theme.chip(r, theme.RAG_COLOURS[r]) for r in theme.RAG_ORDER),
                    unsafe_allow_html=True)
        if len(drawn) < len(ranked):
            st.caption(f"{len(drawn)} of {len(ranked)} departments drawn: those with the "
                       "largest share of Red actions. The league table above has every one.")
        st.caption("Click a department's bar to open its page.")
        bars = components.chart(d.figure(charts.department_rag_bars, drawn, inputs=(f,)),
                               config=charts.CONFIG, theme=None, key="rag-bars",
                               on_select="rerun", selection_mode="points")
        clicked = filters.clicked_label(bars, drawn["department"])
        if clicked:
            filters.open_department(clicked)
if by_month.open:
    with by_month:
        st.markdown("Actions by computed RAG, month by month")
        components.chart(d.figure(charts.rag_stacked, d(views.rag_trend, history),
                                 inputs=(history,)), config=charts.CONFIG, theme=None)
if delivery.open:
    with delivery:
        st.markdown("Completion, timeliness and spend, month by month")
        components.chart(d.figure(charts.trend_lines, trend, DELIVERY, inputs=(history,)),
                        config=charts.CONFIG, theme=None)
if quality.open:
    with quality:
        st.markdown("Quality, targets and alignment, month by month")
        components.chart(d.figure(charts.trend_lines, trend, QUALITY, inputs=(history,)),
                        config=charts.CONFIG, theme=None)
