"""Initiatives: each cross-department initiative of the strategy register as one thing — its
member departments' actions on one timeline, and its figures."""

import streamlit as st

from dashboard import components, filters
from dashboard.data import Data
from ingest.words import plural
from metrics import dependencies, kpi_catalogue
from presentation import charts, theme
from presentation import initiatives as ini
from presentation.markup import md

TILES = kpi_catalogue.kpis("completion_rate", "on_time_rate", "overdue_rate",
                           "budget_utilisation", "slipped_count")

d = Data()
f = components.require_filters(d)
currency = d.setting("currency")
components.heading("Initiatives", f, "the cross-department initiatives, each as one plan")
filters.provisional(d, f)

table = d(dependencies.initiatives, f)
if table.empty:
    components.empty("The strategy register names no cross-department initiative, or none has an "
                     "action in scope. The register's *Initiatives* sheet lists them, and a "
                     "report's *Initiative* column ties an action to one (docs/report-format.md).")
    st.stop()

st.caption("Each initiative's figures over its actions in its member departments, its computed "
           "RAG by the rule used for departments, and its forecast finish against its target "
           "date. Choose one below for its timeline.")
components.table(table, key="initiatives", d=d, inputs=(f,), currency=currency,
                 stem=filters.file_stem(f, "initiatives"),
                 columns=[c for c in ini.INITIATIVE_COLUMNS if c in table.columns],
                 labels=ini.INITIATIVE_LABELS)

names = ini.initiative_names(table)
pick, _ = st.columns([2, 3])
chosen = pick.selectbox("Initiative", list(names), key="initiative", bind="query-params",
                        format_func=names.get)
row = table.set_index(table["initiative_id"].astype(str)).loc[chosen]
st.subheader(md(names[chosen]))
st.caption(ini.initiative_words(row))

cols = [c for _ in range(2) for c in st.columns(3)]
for col, kpi in zip(cols, TILES, strict=False):
    col.metric(kpi.label, theme.kpi_value(kpi.format, row.get(kpi.name)), border=True,
               help=kpi.help)
cols[-1].metric("Forecast finish", theme.a_date(row.get("forecast_finish")), border=True,
                delta=ini.target_words(row), delta_color="inverse", delta_arrow="off",
                help="The latest forecast finish of its actions, moved by what they wait on, "
                     "against the initiative's target date in the register.")

mine = d(dependencies.initiative_actions, f, chosen)
dated, drawn = d.shared(ini.initiative_timeline, mine, inputs=(f, chosen))
st.markdown("##### Its actions in its member departments, on one timeline")
if dated.empty:
    components.empty("No action of this initiative has a due date to draw.")
else:
    shown = ("" if len(drawn) == len(dated) else
             f"{theme.number(len(drawn))} of {theme.number(len(dated))} actions drawn: those "
             "furthest behind. The table below lists them all. ")
    st.caption(shown + "Wide bar: start → current due date, in the action's computed RAG colour. "
               "Thin dark bar ending in ◆: the baseline plan. ✕: forecast finish at the current "
               "pace, or later when what the action waits on will finish later.")
    components.chart(d.figure(charts.gantt, drawn, inputs=(f, chosen)))
st.caption(f"{plural(len(mine), 'action')} of {md(chosen)}, with the file, sheet and row each "
           "came from.")
components.table(mine, key="initiative-actions", d=d, inputs=(f, chosen), currency=currency,
                 stem=filters.file_stem(f, f"initiative-{chosen}"), download=mine,
                 columns=["department", "action_id", "action", "status", "rag",
                          "percent_complete", "due_date", "forecast_finish", "budget_allocated",
                          "budget_spent", "file_name", "sheet", "source_row"])
