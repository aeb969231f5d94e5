"""The Department page's dependency sections: what the department waits on from other
departments, and what other departments wait on from it (issue 16)."""

from __future__ import annotations

import dataclasses

import streamlit as st

import metrics
from dashboard import components, filters
from dashboard.data import Data
from ingest.words import plural, possessive
from metrics import dependencies
from presentation import dependency_charts as dc
from presentation import theme
from presentation.markup import md

# who waits on whom and by how many days first: at 1440 px a grid shows its first columns only
COLUMNS = {
    "waiting": ["action_id", "action", "days_late", "upstream_department", "upstream_action_id",
                "upstream_forecast_finish", "rag", "due_date", "upstream_action", "upstream_rag",
                "file_name", "sheet", "source_row"],
    "waited": ["upstream_action_id", "upstream_action", "department", "action_id", "days_late",
               "upstream_forecast_finish", "due_date", "upstream_rag", "action", "rag",
               "upstream_file_name", "upstream_sheet", "upstream_source_row"],
}
HEADERS = {
    "waiting": {"upstream_department": "Waits on department", "upstream_action_id": "Waits on"},
    "waited": {"upstream_action_id": "Our action", "upstream_action": "Our action's title",
               "upstream_rag": "Our RAG",
               "upstream_forecast_finish": st.column_config.DateColumn("Our forecast finish",
                                                                       format="D MMM YYYY"),
               "department": "Waiting department", "action_id": "Their action",
               "action": "Their action's title", "rag": "Their RAG",
               "due_date": st.column_config.DateColumn("They are due", format="D MMM YYYY"),
               "upstream_file_name": "File", "upstream_sheet": "Sheet",
               "upstream_source_row": "Row"},
}


def sections(d: Data, f: metrics.Filters, department: str) -> None:
    """"Waiting on others" and "Others waiting on us" for `department` (f: the page's filters,
    that department alone)."""
    # the month's links, worked out once for every department's page (and the Dependencies
    # page); each takes its own sides of those its objectives and statuses keep
    scope = dependencies.links_scope(f)
    links = d(dependencies.month_links, scope)
    every = dataclasses.replace(f, departments=())
    edges = d.shared(dc.edge_table, d.shared(dependencies.select_links, links, every,
                                             inputs=(scope,)), inputs=(every,))
    waiting, waited = d.shared(dc.department_sides, edges, department, inputs=(every, department))
    counts = d.shared(dependencies.department_counts, links, inputs=(scope,)).set_index("department")
    mine = counts.loc[department] if department in counts.index else None
    st.subheader("Dependencies on other departments")
    for key, rows, title, figure, none in (
            ("waiting", waiting, "Waiting on others", "waiting_on_others",
             f"No action of {md(department)} waits on another department's."),
            ("waited", waited, "Others waiting on us", "others_waiting",
             f"No other department's action waits on {md(possessive(department))}.")):
        st.markdown(f"##### {title}")
        if rows.empty:
            st.caption(none)
            continue
        if mine is None or not int(mine[figure]):  # every dependency listed is met or closed
            st.caption("No open wait: in each dependency below, the action waited on is "
                       "complete, or the waiting action is closed; each with the file, sheet and "
                       "row it was read from.")
        else:
            n, late = int(mine[figure]), int(mine[figure + "_late"])
            who = (f"{plural(n, 'open action')} of {md(department)} "
                   f"{'waits' if n == 1 else 'wait'} on other departments'"
                   if key == "waiting" else
                   f"{plural(n, 'open action')} of other departments "
                   f"{'waits' if n == 1 else 'wait'} on {md(possessive(department))}")
            # the table lists the met and closed dependencies too: its rows are not that count
            closed = int((~rows["waiting"].astype(bool)).sum())
            listed = (f"{plural(len(rows), 'dependency')} listed, {closed} of them met or "
                      "closed (nothing to wait for)" if closed else "Each dependency")
            st.caption(f"{who}; {theme.number(late)} of them "
                       f"{'is' if late == 1 else 'are'} late "
                       f"({theme.pct(mine[figure + '_late_share'])}): overdue, or forecast to "
                       f"finish after their due date. {listed}, the late ones first, with "
                       "the file, sheet and row it was read from.")
        components.table(rows, key=f"dept-{key}", d=d, inputs=(f, department),
                         stem=filters.file_stem(f, key), columns=COLUMNS[key],
                         labels=HEADERS[key], download=rows.drop(columns="key"))
