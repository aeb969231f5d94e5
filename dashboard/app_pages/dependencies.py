"""Dependencies: who is waiting on whom across departments, and what a late action upstream does
to the plan downstream."""

import streamlit as st

from dashboard import components, filters
from dashboard.data import Data
from ingest.words import plural
from metrics import dependencies
from presentation import dependency_charts as dc
from presentation import initiatives as ini
from presentation import theme
from presentation.markup import md

d = Data()
f = components.require_filters(d)
currency = d.setting("currency")
components.heading("Dependencies", f, "who is waiting on whom, and what a late action upstream "
                   "does to the plan downstream")
filters.provisional(d, f)

register = d(dependencies.initiatives, f)
names = ini.initiative_names(register)
pick, _ = st.columns([2, 3])
initiative = pick.selectbox(
    "Initiative", list(names), index=None, key="initiative", bind="query-params",
    format_func=names.get, placeholder="Every initiative",
    help="Only the dependencies between actions of this cross-department initiative. The "
         "sidebar narrows them to departments and objectives.")
unresolved = d(dependencies.unresolved_dependencies, f)
if not unresolved.empty:
    # a reference that names nothing (or several) is no link: it would count nowhere below
    one = len(unresolved) == 1
    st.warning(f"**{plural(len(unresolved), 'dependency')} name{'s' if one else ''} no action of "
               f"the plans in force, or several**, so {'it is' if one else 'they are'} not "
               "counted on this page. Upload warned about each: the department can correct its "
               "*Depends on* cell in its next report.", icon=":material/link_off:")
    with st.expander("The dependency that names no single action" if one else
                     f"The {len(unresolved)} dependencies that name no single action"):
        components.table(unresolved, key="unresolved", d=d, inputs=(f,), currency=currency,
                         stem=filters.file_stem(f, "unresolved-dependencies"),
                         columns=["department", "action_id", "action", "ref", "found",
                                  "file_name", "sheet", "source_row"],
                         labels={"ref": "Depends on",
                                 "found": st.column_config.NumberColumn(
                                     "Actions it names", help="0: no action of the plans in "
                                     "force has this ID; more: several have it (write it as "
                                     "'Department: ID').")})
scope = dependencies.links_scope(f)
every_link = d(dependencies.month_links, scope)  # shared with every Department page of the month
links = d.shared(dependencies.select_links, every_link, f, initiative, inputs=(scope,))
edges = d.shared(dc.edge_table, links, inputs=(f, initiative))
if edges.empty:
    components.empty("No action in scope depends on another. A report lists what an action waits "
                     "on in its *Depends on* column (docs/report-format.md). Clear the filters in "
                     "the sidebar, or choose another period.")
    st.stop()

drawn, scope = d.shared(dc.graph_scope, edges, inputs=(f, initiative))
chains = d.shared(dc.late_chains, edges, inputs=(f, initiative))
# the organisation KPI (every objective and status); for one initiative, the same count over its
# dependencies
kpi = (d.shared(dependencies.links_kpi, links, inputs=(f, initiative)) if initiative else
       d.shared(dependencies.links_kpi, every_link, f.departments, inputs=(scope,)))
cols = st.columns(4)
cols[0].metric("Actions with a dependency", theme.number(scope.actions), border=True,
               help="Actions that wait on another action, or that another action waits on.")
cols[1].metric("Across departments", theme.number(kpi["cross_department_links"]), border=True,
               help="Dependencies of an open action on another department's action.")
cols[2].metric("Late across departments", theme.pct(kpi["late_dependency_share"]),
               border=True,
               help="Share of those whose upstream action is open and overdue, or forecast to "
                    "finish after the waiting action is due (docs/kpis.md).")
cols[3].metric("Blocked actions", theme.number(scope.blocked), border=True,
               help="Actions waiting on a late action.")

if chains.empty:
    st.success("No action waits on a late action.", icon=":material/check_circle:")
else:
    st.markdown(f"##### The worst late chains ({theme.number(len(chains))} in all)")
    st.caption("Each chain starts at a late action and follows the latest dependency downstream "
               "to the last action it holds up.")
    # a chain whose wait moves nothing forecast shows no days: "Late by 0 days" read as a contradiction
    worst = chains.head(5).assign(days_late=lambda c: c["days_late"].where(c["days_late"] > 0))
    components.table(worst, key="chains", d=d, inputs=(f, initiative),
                     stem=filters.file_stem(f, "late-chains"), download=chains.drop(columns="keys"),
                     columns=["chain", "actions", "departments", "days_late", "start", "end"],
                     labels={"chain": st.column_config.TextColumn("Chain", width="large"),
                             "days_late": st.column_config.NumberColumn(
                                 "Worst delay", format="%d days",
                                 help="The most days a wait in the chain moves an action past "
                                      "its due date: any of its actions, not only the one it "
                                      "holds up (the table below gives each action's). Empty "
                                      "when its late action is overdue but the wait moves "
                                      "nothing past a due date."),
                             "actions": st.column_config.NumberColumn("Actions"),
                             "departments": st.column_config.NumberColumn("Departments"),
                             "start": "Starts at", "end": "Holds up"})

st.subheader("Who waits on whom")
rags = " ".join(theme.chip(r, theme.RAG_COLOURS[r]) for r in theme.RAG_ORDER)
lanes = ("Each department is a lane" if dc.by_department(drawn) else
         "Each chain of connected actions is a lane, the latest first, and each action is "
         "labelled with its department's code")
st.markdown(dc.scope_words(scope) + f" {lanes}; each action a dot in its "
            f"computed RAG colour {rags}, to the right of what it waits on. Thick red arrows: "
            "late dependencies; a dark ring: an action on a late chain. Hover over a dot for the "
            "action, its dates and its file, sheet and row.", unsafe_allow_html=True)
components.chart(d.figure(dc.dependency_graph, drawn, inputs=(f, initiative)))

st.subheader("Blocked actions")
blocked = d.shared(dc.blocked_table, edges, inputs=(f, initiative))
if blocked.empty:
    st.success("No action waits on a late action.", icon=":material/check_circle:")
else:
    waiting = blocked["key"].nunique()
    st.caption(f"{plural(waiting, 'action')} {'waits' if waiting == 1 else 'wait'} on a late action: each beside "
               "the upstream action that holds it up and by how many days, the worst first, with "
               "the file, sheet and row of both.")
    components.table(
        blocked, key="blocked", d=d, inputs=(f, initiative), currency=currency,
        stem=filters.file_stem(f, "blocked"), download=blocked.drop(columns="key"),
        # who waits on whom and by how many days first: a grid shows its first columns only
        columns=["department", "action_id", "action", "days_late", "upstream_department",
                 "upstream_action_id", "upstream_forecast_finish", "rag", "due_date",
                 "upstream_action", "upstream_rag", "file_name", "sheet", "source_row",
                 "upstream_file_name", "upstream_sheet", "upstream_source_row"],
        labels={"days_late": st.column_config.NumberColumn(
            "Late by", format="%d days", help="Days the wait moves this action past its due "
            "date: the upstream action's forecast finish plus this action's remaining work, less "
            "the later of its due date and its own expected finish. 0 when the upstream action "
            "is overdue but the wait moves nothing, or the two are on a circle (docs/kpis.md).")})
if initiative:
    st.caption(f"{md(names.get(initiative, initiative))}: its member departments' timeline and "
               "figures are on the Initiatives page.")
