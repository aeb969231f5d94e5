"""Alignment: which objectives the departments' actions serve, and which they do not."""

import pandas as pd
import streamlit as st

import metrics
from dashboard import components, filters
from dashboard.data import Data
from ingest.words import plural
from metrics import kpi_catalogue
from presentation import charts, theme
from presentation.markup import md

SMART_FAILING = ["department", "action_id", "action", "smart_score", "failed_checks", "file_name",
                 "source_row"]


def smart_failing(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions failing at least one SMART check, the lowest score first: only the columns the
    table shows are filtered (all fifty of a month's actions are many times the work)."""
    failing = actions["failed_checks"].fillna("") != ""
    return actions.loc[failing, SMART_FAILING].sort_values("smart_score")


d = Data()
f = components.require_filters(d)
currency = d.setting("currency")
components.heading("Alignment", f, "do the departments' actions serve the strategy?")
reporting = filters.provisional(d, f)  # a month not every department has reported

figures = d(metrics.action_figures, f, dependencies=False)  # the page shows none of them
in_a = figures[figures["status"] != "Cancelled"]
if in_a.empty:
    components.empty("No actions match these filters for this period. Clear the objective filter "
                     "or choose another period in the sidebar.")
    st.stop()

k = d(metrics.kpis, f)
cols = st.columns(4)
for col, kpi in zip(cols[:3], kpi_catalogue.kpis("alignment_rate", "objective_coverage",
                                                  "smart_compliance"), strict=True):
    col.metric(kpi.label, theme.kpi_value(kpi.format, k[kpi.name]), border=True,
               help=kpi.help)
budget = in_a["budget_allocated"].sum()
cols[3].metric("Budget planned", theme.money(budget, currency, compact=True), border=True,
               help="Sum of the allocated budget of the actions in scope.")

st.subheader("Objectives × departments")
measure = st.segmented_control("Show in each cell", ["Actions", "Budget"], default="Actions",
                               key="measure", bind="query-params", required=True)
alignment = d(metrics.objective_alignment, f)
missing = d(metrics.objectives_without_action, f)  # their rows stay in the grid, empty
value = "budget_allocated" if measure == "Budget" else "actions"
objectives, departments = charts.grid_shape(alignment, missing)
if objectives * departments > charts.GRID_TEXT_CELLS:
    st.caption(f"{objectives} objectives × {departments} departments: too many cells to write "
               "a number in each, so the colour says how many (scale at the right); hover over "
               "a cell for its figure"
               + (" and the department's name." if departments > charts.GRID_NAMED_COLUMNS
                  else "."))
components.chart(d.figure(charts.alignment_grid, alignment, value, currency, missing,
                         inputs=(f,)), config=charts.CONFIG, theme=None)
if len(missing):
    codes = [md(o) for o in missing["objective_id"]]
    named = ", ".join(codes[:8]) + (f" and {len(codes) - 8} more" if len(codes) > 8 else "")
    st.caption(f"Empty rows: no action in scope serves {named} (see *Objectives with no action* "
               "below).")

size = "budget" if measure == "Budget" else "count"
scope = d.shared(charts.sunburst_scope, in_a, size, inputs=(f,))  # a count over every action
left, right = st.columns([1, 1], gap="large")
with left:
    which = "actions with a budget" if size == "budget" else "actions"
    rags = " ".join(theme.chip(r, theme.RAG_COLOURS[r]) for r in theme.RAG_ORDER)
    if scope.outer == "action":
        st.markdown("##### Objective → department → action")
        st.markdown(f"Outer ring: each action in its computed RAG colour {rags}. Click a ring to "
                    "zoom in.", unsafe_allow_html=True)
    elif scope.outer == "department":
        st.markdown("##### Objective → department")
        st.caption(f"{theme.number(scope.actions)} {which} are too many to draw one by one, so "
                   "the outer ring stops at the departments "
                   f"({theme.number(scope.pairs)} objective × department pairs). Hover over one "
                   "for its actions by computed RAG; click a ring to zoom in. Explore & export "
                   "lists every action.")
    else:
        st.markdown("##### Objective → computed RAG")
        st.markdown(f"{theme.number(scope.actions)} {which} of "
                    f"{theme.number(scope.departments)} departments, in "
                    f"{theme.number(scope.pairs)} objective × department pairs, are too many to "
                    "draw one by one or department by department (the grid above has every "
                    "pair), so the outer ring shows each objective's actions by computed RAG "
                    f"{rags}. Click a ring to zoom in. Explore & export lists every action.",
                    unsafe_allow_html=True)
    components.chart(d.figure(charts.alignment_sunburst, in_a, size, currency,
                             inputs=(f,)), config=charts.CONFIG, theme=None)
    key = charts.initials_key(in_a["department"]) if scope.outer != "rag" else ""
    if key:  # the rings name departments by their codes
        st.caption(f"Departments: {md(key)}.")
with right:
    st.markdown("##### Objectives with no action")
    if missing.empty:
        which = ("Every objective chosen in the sidebar" if f.objectives
                 else "Every objective of the register")
        st.success(f"{which} has at least one action in scope.", icon=":material/check_circle:")
    else:
        if reporting is not None:  # an objective only a missing department serves is listed too
            gone = len(reporting["missing"])
            st.caption(f"Only the departments that reported {theme.period_label(reporting['month'])} "
                       f"count: the {plural(gone, 'department')} that {'has' if gone == 1 else 'have'} "
                       "not may serve some of these objectives once their reports come in.")
        components.table(missing, key="no-action", d=d, inputs=(f,),
                         stem=filters.file_stem(f, "objectives-no-action"),
                         columns=["objective_id", "objective", "pillar", "owner", "priority"],
                         currency=currency)
    st.markdown("##### Actions with no valid objective")
    orphans = d(metrics.actions_without_objective, f)
    if orphans.empty:
        st.success("Every action names an objective of the register.",
                   icon=":material/check_circle:")
    else:
        components.table(orphans, key="no-objective", d=d, inputs=(f,),
                         stem=filters.file_stem(f, "actions-no-objective"),
                         columns=["department", "action_id", "action", "objective_id",
                                  "file_name", "sheet", "source_row"], currency=currency,
                         labels={"objective_id": st.column_config.TextColumn(
                             "Objective given", help="Empty, or not in the register.")})

st.subheader("SMART checks")
smart = d(metrics.smart_results, f)
left, right = st.columns([2, 3], gap="large")
with left:
    st.markdown("##### Share of actions passing each check")
    components.chart(d.figure(charts.smart_bars, smart, "", inputs=(f,)), config=charts.CONFIG,
                    theme=None)
with right:
    failing = d.shared(smart_failing, in_a, inputs=(f,))  # not changed below
    st.caption(f"{len(failing)} of {len(in_a)} actions fail at least one check. Specific: at least "
               "4 words · Measurable: success metric and numeric target · Achievable: responsible "
               "and budget or resources · Relevant: objective in the register · Time-bound: due "
               "date, not before the start.")
    components.table(failing, key="smart-failing", d=d, inputs=(f,),
                     stem=filters.file_stem(f, "smart-failing"), currency=currency, height=320,
                     columns=SMART_FAILING)
