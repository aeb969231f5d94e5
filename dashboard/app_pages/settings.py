"""Settings: the strategy register, the departments and objectives in force, KPI thresholds."""

import pandas as pd
import streamlit as st

import metrics
from dashboard import auth, backups, components
from dashboard.data import Data
from ingest import db, mappings_store
from ingest.errors import LekgotlaError
from ingest.register import load_register, parse_register
from ingest.renames import aliases, planned_renames
from ingest.settings import SECRET_SETTINGS, SETTINGS, source_of
from ingest.settings_store import change_settings
from ingest.words import plural
from ingest.worker import run_bounded
from metrics import views
from presentation import theme
from presentation.markup import md

FLASH = "settings_flash"


def setting_label(name: str) -> str:
    """A setting's name as the form labels it: `red_slip_days` → `Red slip days`."""
    return name.replace("_", " ").capitalize()

d = Data()
user = auth.current()
st.title("Settings")
st.caption("The register of strategic objectives and departments, and the thresholds the KPIs "
           "use. Every change shows on every page at once.")
for message in st.session_state.pop(FLASH, []):
    st.success(message, icon=":material/check_circle:")

register, thresholds, mappings, *admin = st.tabs(
    ["Strategy register", "KPI thresholds", "Saved mappings"]
    + (["Backups"] if auth.may(user, "backup") else []))

with register:
    versions = d(views.register_versions)
    if versions.empty:
        components.empty("No strategy register is loaded: upload one below (sheet Objectives "
                         "with objective_id and objective; optional sheet Departments).")
    else:
        v = versions.iloc[0]
        st.markdown(f"**Register in force: version {v['register_version']}** — "
                    f"{md(v['file_name'])}, loaded {theme.a_datetime(v['loaded_at'])} by "
                    f"{md(theme.text(v['loaded_by']))}: {plural(int(v['objective_count']), 'objective')}, "
                    f"{plural(int(v['department_count']), 'department')}.")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("##### Objectives")
        objectives = d(metrics.list_objectives)
        columns = {
            "objective_id": "ID", "objective": st.column_config.TextColumn("Objective",
                                                                           width="large"),
            "pillar": "Pillar", "owner": "Owner", "period": "Period",
            "priority": st.column_config.NumberColumn("Priority", format="%d"),
            "reported_rows": st.column_config.NumberColumn(
                "Action rows", help="Action rows in force that name it, all months.")}
        st.dataframe(objectives, hide_index=True, placeholder=theme.DASH,
                     key="objectives", column_config=columns)
        components.downloads(objectives, "lekgotla-objectives", "objectives",
                             sheet="Objectives", headers=columns)
    with right:
        st.markdown("##### Departments")
        departments = d(metrics.list_departments)
        columns = {
            "department": "Department", "head": "Head", "email": "Email",
            "in_register": st.column_config.CheckboxColumn("In register"),
            "first_period": "First report", "last_period": "Last report",
            "periods_reported": st.column_config.NumberColumn("Months")}
        st.dataframe(components.display(departments), hide_index=True, placeholder=theme.DASH,
                     key="departments", column_config=columns)
        components.downloads(departments, "lekgotla-departments", "departments",
                             headers=columns)
    st.markdown("##### Upload a new register")
    file = st.file_uploader("Strategy register (.xlsx)", type=["xlsx", "xlsm"],
                            key="register_file",
                            help="It is the register of the months reported from now on; "
                                 "earlier versions are kept, and each month stays judged "
                                 "against the register it was first reported under.")
    if file is not None:
        try:
            # read in a worker with the reading limits: a hostile file takes down only that process
            parsed = run_bounded(parse_register, file.getvalue(), file.name, d(aliases),
                                 file_name=file.name,
                                 timeout_s=float(d.setting("read_timeout_s")),
                                 memory_mb=int(d.setting("read_memory_mb")))
        except LekgotlaError as e:
            components.error(e)
        else:
            renames, rename_problems = planned_renames(d.con, parsed.departments)
            found = parsed.problems + rename_problems
            errors = [p for p in found if p.severity == "error"]
            st.caption(f"{plural(len(parsed.objectives), 'objective')} and "
                       f"{plural(len(parsed.departments), 'department')} read.")
            if renames and not errors:
                st.info("**Renamed departments:** their history moves to the new name.\n\n"
                        + "\n".join(f"- {md(r)}" for r in renames), icon=":material/badge:")
            if found:
                problems = pd.DataFrame([dict(p.as_dict(), severity=p.severity)
                                         for p in found])
                st.dataframe(problems, hide_index=True, placeholder=theme.DASH,
                             key="register-problems")
                components.downloads(problems, "lekgotla-register-problems",
                                     "register-problems", sheet="Problems",
                                     applied_filters={"source": file.name})
            if errors:
                st.error(f"**Fix the register and upload it again.** {plural(len(errors), 'error')}: "
                         "nothing was loaded.", icon=":material/error:")
            elif st.button("Load this register", type="primary", key="load-register"):
                try:
                    version = load_register(d.con, file.getvalue(), file.name, user=user, parsed=parsed)
                except LekgotlaError as e:
                    components.error(e)
                else:
                    st.session_state[FLASH] = [f"Register version {version} is now in force.",
                                               *(f"{md(r)}." for r in renames)]
                    st.rerun()

with thresholds:
    stored = db.stored_settings(d.con)
    editable = [s for s in SETTINGS if s.editable]
    st.caption("Saved in the database for the whole organisation. A value set in the "
               "environment (LEKGOTLA_*) or in .streamlit/secrets.toml wins and cannot be "
               "changed here.")
    with st.form("settings"):
        values = {}
        for s in editable:
            fixed = source_of(s.name) != "database-or-default"
            current = d.setting(s.name)
            label = setting_label(s.name)
            help_text = s.help + (" (set in the environment or secrets)" if fixed else "")
            if s.name == "date_order":
                options = ["DMY", "MDY", "YMD"]
                values[s.name] = st.selectbox(label, options, index=options.index(current),
                                              help=help_text, disabled=fixed,
                                              key=f"setting-{s.name}")
            elif s.type is int:
                values[s.name] = st.number_input(label, value=int(current), step=1,
                                                 help=help_text, disabled=fixed,
                                                 key=f"setting-{s.name}")
            elif s.type is float:
                values[s.name] = st.number_input(label, value=float(current), step=1.0,
                                                 help=help_text, disabled=fixed,
                                                 key=f"setting-{s.name}")
            else:
                values[s.name] = st.text_input(label, value=str(current), help=help_text,
                                               disabled=fixed, key=f"setting-{s.name}")
        submitted = st.form_submit_button("Save settings", type="primary")
    if submitted:
        changed = {s.name: values[s.name] for s in editable
                   if source_of(s.name) == "database-or-default"
                   and str(values[s.name]) != str(d.setting(s.name))}
        try:  # checked together: Red and Amber may move in one save, never contradict
            saved = change_settings(d.con, user, changed)
        except LekgotlaError as e:
            st.error(f"**Not saved.** {md(e.message)}", icon=":material/error:")
        else:
            st.session_state[FLASH] = ([f"Saved: {', '.join(setting_label(n) for n in changed)}."]
                                       if changed else ["Nothing changed."])
            if "notify_kinds" in saved and not saved["notify_kinds"]:  # a blank switches all off
                st.session_state[FLASH].append("Notify kinds is empty: no notification is sent "
                                               "until a kind is listed again.")
            st.rerun()
    st.markdown("##### Set at start-up")
    fixed = pd.DataFrame([{"setting": s.name, "value": ("(set)" if d.setting(s.name) else "")
                           if s.name in SECRET_SETTINGS else str(d.setting(s.name)),
                           "from": source_of(s.name).replace("database-or-default", "default"),
                           "meaning": s.help} for s in SETTINGS if not s.editable])
    columns = {"setting": "Setting", "value": "Value", "from": "From",
               "meaning": st.column_config.TextColumn("Meaning", width="large")}
    st.dataframe(fixed, hide_index=True, placeholder=theme.DASH,
                 key="fixed-settings", column_config=columns)
    components.downloads(fixed, "lekgotla-settings-at-start-up", "fixed-settings",
                         sheet="Settings", headers=columns)

with mappings:
    names = mappings_store.list_mappings(d.con)
    if not names:
        components.empty("No saved mapping yet. On Upload, choose “A new mapping…” for a "
                         "workbook that does not use the template, and save it under a name.")
    for name in names:
        with st.expander(md(name)):
            st.code(mappings_store.get_mapping_toml(d.con, name) or "", language="toml")
            # a second click, in the popover: one stray click must not lose a saved mapping
            with st.popover("Delete…", icon=":material/delete:"):
                st.markdown(f"Delete the mapping “{md(name)}”? Reports already loaded through it "
                            "keep their data; a workbook of its layout will need a mapping again.")
                if st.button("Delete it", key=f"delete-mapping-{name}", type="primary",
                             icon=":material/delete_forever:"):
                    mappings_store.delete_mapping(d.con, user, name)  # checked and audited there
                    st.session_state[FLASH] = [f"Mapping “{md(name)}” deleted."]
                    st.rerun()

if admin:  # the Backups tab, for those who may take backups
    with admin[0]:
        backups.section(d, user)
