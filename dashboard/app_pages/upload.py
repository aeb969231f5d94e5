"""Upload: the template for next month, then a report checked cell by cell before it is stored."""

import hashlib

import streamlit as st

import metrics
from dashboard import auth, components, mapping_form, uploads
from dashboard.data import Data
from ingest import mappings_store
from ingest.errors import IngestError
from ingest.load import add_plan_checks, options_for
from ingest.parse import can_load
from ingest.template import build_template
from ingest.words import possessive
from metrics import views
from presentation.markup import md

d = Data()
user = auth.current()
st.title("Upload")
st.caption("Download the template, fill it in, upload it: every problem is listed with its cell "
           "before anything is stored, and nothing is stored until you commit.")
uploads.flash()

# a department head uploads for their own department(s) only; ingest checks it again on commit
names = uploads.departments_for(user, d(metrics.list_departments))
if user.role == "department_head":
    st.info(f"You upload for **{md(', '.join(names)) or 'no department'}** as its head. A file for "
            "another department, or whose Department column names another, is refused.",
            icon=":material/badge:")

st.subheader("1. Template for the next report")
if not names:
    components.empty("No department is known yet: load the strategy register on Settings (its "
                     "Departments sheet), or upload a first report below.")
else:
    chosen = [x for x in (st.session_state.get("dept") or []) if x in names]
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    department = left.selectbox("Department", names, key="template_dept",
                                index=names.index(chosen[0]) if chosen else 0)
    periods = uploads.template_periods(d(views.next_period, department),
                                       [str(p) for p in d(metrics.list_periods)["period"]])
    if st.session_state.pop(uploads.NEXT_TEMPLATE, False):  # a report was just committed
        st.session_state["template_period"] = periods[0]
    period = middle.selectbox("Reporting period", periods, key="template_period",
                              format_func=uploads.label)
    right.download_button(
        "Template", d(build_template, department, uploads.period_of(period), user=user),
        file_name=f"{department}_{period}.xlsx", key="template", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", type="primary")
    if d(views.current_upload, department, period) is None:
        filled = (f"{md(possessive(department))} open actions from its last report are filled "
                  "in")
    else:  # a month already reported: its template corrects that report (plan_actions.sql)
        filled = (f"{md(possessive(department))} report for {uploads.label(period)} is filled in "
                  "as it stands, to correct it: its rows, the actions it cancelled among them, "
                  "and not the open actions it left out (they stay marked not reported unless you "
                  "add them); uploaded, it replaces that report")
    st.caption(f"{filled}; the actions completed earlier are listed on its *Completed earlier* "
               "sheet (they stay Completed without being reported again); drop-down lists for "
               "status, objective, quality review and reason code; the Action ID column is "
               "locked. An open action you leave out (clear its row but for the ID) stays in the "
               "plan as last reported, marked not reported.")

st.subheader("2. Upload a report")
max_mb = int(d.setting("max_upload_mb"))
file = st.file_uploader("Status report (.xlsx, .xlsm or .csv)", type=["xlsx", "xlsm", "csv"],
                        key="report_file", max_upload_size=max_mb,
                        help=f"Up to {max_mb} MB. One department's report for one month, or a "
                             "consolidated tracker with a Department column.")
if file is None:
    components.empty("Choose a file above. Its department and period are detected (metadata "
                     "block, Department column or file name such as Finance_2025-07.xlsx) and "
                     "you confirm them before anything is stored.")
    st.stop()

data = file.getvalue()
sha = hashlib.sha256(data).hexdigest()
key = sha[:12]
saved = mappings_store.list_mappings(d.con, user)
how = st.selectbox("Read the columns with", [uploads.HEADERS, *saved, uploads.NEW_MAPPING],
                   key=f"how-{key}", help="A workbook that does not use the template's headers "
                   "is read through a mapping: build one here and save it for next time.")
mapping = mappings_store.get_mapping(d.con, how) if how in saved else None
if how == uploads.NEW_MAPPING or (mapping is not None and st.toggle(
        "Adjust this mapping", key=f"adjust-{key}")):
    try:  # in a worker process: a file that would crash its reader cannot take the server down
        workbook = uploads.read_for_mapping(d.con, data, file.name, sha)
    except IngestError as e:
        components.error(e)
        st.stop()
    with st.container(border=True):
        mapping = mapping_form.editor(d.con, workbook, mapping, key=f"map-{key}")
        if mapping is None:
            st.stop()
        mapping_form.save_form(d.con, user, mapping, key=f"map-{key}")

# read in a worker process with the time and memory limits of the settings (SPEC §2.4)
first_opts = options_for(d.con, mapping=mapping)
detected = uploads.read(d.con, data, file.name, first_opts)
if detected.unreadable:  # the file is the problem, its table says how: no department or period to ask
    uploads.report(detected, data, file.name, False, uploads.limits(d.con))
    uploads.audit_failed(d, user, detected, first_opts, sha)
    st.stop()
department, period, problem = uploads.confirm(detected, names, key,
                                              restricted=user.role == "department_head")
opts = options_for(d.con, mapping=mapping, department=department, period=period)
parsed = uploads.read(d.con, data, file.name, opts) if problem is None else detected
# offered on the read with the department and period chosen here: the detected one may lack them
skip = uploads.skip_choice(parsed, key)
if skip:
    opts = options_for(d.con, mapping=mapping, department=department, period=period,
                       skip_invalid_rows=True)
    parsed = uploads.read(d.con, data, file.name, opts)
if problem is None:  # the open actions it leaves out and its dependencies, as they will be stored
    add_plan_checks(d.con, parsed, opts.absence)
uploads.report(parsed, data, file.name, skip, uploads.limits(d.con), blocked=problem)
if problem is not None:  # the uploader is asked to choose: not a check that failed yet
    st.stop()
if not can_load(parsed, skip):
    # a check is audited, not held against the department; recording it is the uploader's choice
    uploads.failed_check(d, user, data, parsed, opts, sha, mapping)
elif not uploads.already_in_force(d.con, parsed, sha):
    uploads.changes(d.con, parsed)
    uploads.commit(d, user, data, parsed, opts, skip, sha, mapping)
