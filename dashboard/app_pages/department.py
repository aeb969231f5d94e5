"""Department: one department's actions, their history, and the source of every figure."""

import streamlit as st

import metrics
from dashboard import address, auth, components, filters, versions, waiting
from dashboard.data import Data
from ingest.names import department_key
from ingest.renames import department_now
from ingest.words import plural, possessive
from metrics import digest as metrics_digest
from metrics import views
from presentation import charts, theme
from presentation.digest import missing_reports
from presentation.labels import objective_label
from presentation.markup import md

d = Data()
user = auth.current()
f = components.require_filters(d)
currency = d.setting("currency")

RENAMED = "_department_renamed"  # said on the run after a link's department is read by its name now
st.title("Department")
known = [str(x) for x in d(metrics.list_departments)["department"]]
choices = list(f.departments) or known
asked = str(st.session_state.get(filters.DEPARTMENT) or st.query_params.get(filters.DEPARTMENT) or "")
for note in st.session_state.pop(RENAMED, []):
    st.info(note, icon=":material/badge:")
now = department_now(asked, known, filters.renamed(d)) if asked not in known else asked
if now is not None and now != asked:  # a link from before a rename, or in other capitals
    notes = [f"{md(asked)} is now called {md(now)}."] if department_key(now) != department_key(asked) else []
    address.choose(filters.DEPARTMENT, now, notes_key=RENAMED, notes=notes)
    asked = now
    for note in notes:  # a choice held in this session (a link has run again by now)
        st.info(note, icon=":material/badge:")
if asked and asked not in choices and asked in known:
    choices = [*choices, asked]  # a link to a department outside the sidebar's choice opens on it
pick, _ = st.columns([2, 3])
department = pick.selectbox("Department", choices, key=filters.DEPARTMENT, bind="query-params",
                            help="Choose departments in the sidebar to narrow this list.")
if asked and asked not in known:
    st.warning(f"No department is called {md(asked)}: showing {md(department)}.", icon=":material/info:")
elif f.departments and department not in f.departments:
    st.caption(f"{md(department)} is not among the departments chosen in the sidebar "
               f"({md(', '.join(f.departments))}): shown as the address names it.")
scoped = metrics.Filters(f.period, (department,), f.objectives)
if user.role == "department_head" and user.owns(department):  # their home: report from here
    st.page_link("app_pages/upload.py", label=f"Upload the next report for {md(department)}",
                 icon=":material/upload_file:")
st.caption(f"**{filters.describe(scoped)}** — its actions, their history, and the file, "
           "sheet and row of each figure")

changes = d(metrics.kpi_changes, scoped)
if not changes.set_index("kpi")["value"].get("actions"):
    missing = "" if f.objectives else missing_reports(
        d(metrics_digest.digest, f.period, department), department)
    if missing:  # no filter narrows the view: its report is what is missing
        components.empty(f"{md(missing)} See Submissions, or choose another period.")
        components.what_changed(d, scoped, department)
    elif f.objectives:
        components.empty(f"{md(department)} has no actions for {theme.period_label(f.period)} "
                         "with these filters. Clear the objective filter, or choose another "
                         "period.")
    else:
        components.empty(f"{md(department)} has no actions in force for "
                         f"{theme.period_label(f.period)} (Cancelled ones are left out). Choose "
                         "another period.")
    # others may still wait on its plan in force from an earlier month (issue 16)
    waiting.sections(d, scoped, department)
    st.stop()
trend = d(metrics.kpi_trend, filters.history(scoped, d))
components.kpi_tiles(changes, trend, [k for k in components.OVERVIEW_KPIS
                                      if k.name not in ("submission_rate", "alignment_rate")],
                     per_row=4)

# drawn without the dependency figures, which the table does not show (the sections below
# take the month's links); its download, made on a click, has them
figures = d(metrics.action_figures, scoped, dependencies=False)
month = str(figures["period"].iloc[0])
report = d(views.current_upload, department, month)
if report:
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.caption(f"Report in force for {theme.period_label(month)}: **{md(report['file_name'])}** "
                 f"(upload #{report['upload_id']}), submitted "
                 f"{theme.a_date(report['submitted_at'])}, {plural(report['row_count'], 'row')} reported, "
                 f"{plural(report['warning_count'], 'warning')}.")
    with right:
        versions.original_file(user, report, department, month)
    versions.restore_control(d, user, department, month)

components.what_changed(d, scoped, department)

st.subheader("Actions: self-reported status beside computed RAG")
st.caption("Beside each computed RAG, the department's own reason code and latest comment: why "
           "it is where it is, in its words.")
components.table(figures, key="dept-actions", stem=filters.file_stem(scoped, "actions"),
                 d=d, inputs=(scoped,),
                 scope=scoped,
                 currency=currency,
                 download_made=lambda cursor: metrics.action_figures(cursor, scoped),
                 labels={"reason_code": st.column_config.TextColumn("Reason code", width="medium"),
                         "comments": st.column_config.TextColumn("Latest comment", width="large")},
                 # carried forward beside the status it qualifies (the status is last month's)
                 columns=["action_id", "action", "status", "carried_forward", "rag",
                          "reason_code", "comments", "percent_complete",
                          "planned_progress", "due_date", "baseline_due_date", "slip_days",
                          "budget_allocated", "budget_spent", "file_name", "sheet", "source_row"])
crosstab = d(views.status_against_rag, scoped)
left, right = st.columns([3, 2], gap="large")
with left:
    crosstab_labels = {"status": "Reported ↓  RAG →", "total": "All"}
    st.dataframe(components.display(crosstab), hide_index=True, placeholder=theme.DASH,
                 key="status-rag", column_config=crosstab_labels)
    components.downloads(crosstab, filters.file_stem(scoped, "status-against-rag"), "status-rag",
                         sheet="Status against RAG", scope=scoped,
                         headers={"status": "Reported status", "total": "All"})
right.caption("Rows in which the department's own words and the figures disagree — e.g. an "
              "action reported *In progress* that the figures make Red (overdue, slipped more "
              f"than {d.setting('red_slip_days')} days, or far behind its planned progress).")

waiting.sections(d, scoped, department)  # issue 16: dependencies across departments

st.subheader("One action across periods")
labels = {str(a): f"{a} · {t}" for a, t in zip(figures["action_id"], figures["action"],
                                                strict=True)}
# the action chosen at another period (its ID), or in a shared link (its label, as the URL holds it)
asked = str(st.session_state.get("action") or st.query_params.get("action") or "")
if asked and asked not in labels and asked not in labels.values():
    st.session_state.pop("action", None)
    st.info(f"Action {md(asked.split(' · ')[0])} is not in {md(possessive(department))} plan for "
            f"{theme.period_label(f.period)} with these filters: showing another. Choose a "
            "period it was reported in to follow it.", icon=":material/info:")
pick, _ = st.columns([3, 2])
action_id = pick.selectbox("Action", list(labels), format_func=lambda a: labels.get(a, a),
                           key="action", bind="query-params")
# drawn without the dependency figures (the page shows them above, for the month); the download,
# made on a click, has them for every month
trail = d(views.action_trail, scoped, department, action_id, dependencies=False)
latest = trail.iloc[-1]
left, right = st.columns([3, 2], gap="large")
with left:
    components.chart(d.figure(charts.action_progress, trail, "",
                             inputs=(scoped, department, action_id)),
                    config=charts.CONFIG, theme=None)
with right:
    register = d(metrics.list_objectives)
    titles = dict(zip(register["objective_id"].astype(str), register["objective"], strict=True))
    objective = objective_label(latest["objective_id"], titles.get(str(latest["objective_id"])),
                                width=None)  # the whole title: there is room here
    st.markdown(f"**{md(latest['action'])}**")
    st.markdown(
        f"- Responsible: {md(theme.text(latest['responsible']))}\n"
        f"- Objective: {md(theme.text(objective or None))}\n"
        f"- Budget: {md(theme.money(latest['budget_allocated'], currency))}, spent "
        f"{md(theme.money(latest['budget_spent'], currency))}\n"
        f"- Due {theme.a_date(latest['due_date'])} (baseline "
        f"{theme.a_date(latest['baseline_due_date'])})\n"
        f"- Success metric: {md(theme.text(latest['success_metric']))}\n"
        f"- Risk: {md(theme.text(latest['risk']))}")
st.caption("Every month's figures, with the file, sheet and spreadsheet row each came from.")
components.table(trail, key="trail", stem=filters.file_stem(scoped, f"action-{action_id}"),
                 d=d, inputs=(scoped, action_id),
                 scope=scoped,
                 currency=currency,
                 download_made=lambda cursor: views.action_trail(cursor, scoped, department,
                                                                 action_id),
                 columns=["period", "status", "carried_forward", "rag", "percent_complete",
                          "planned_progress", "due_date", "budget_spent", "reason_code", "comments",
                          "file_name", "sheet", "source_row", "upload_id"])
