"""Users (admin): who may log in, with which role and departments; department heads added from
the register's Departments sheet."""

import streamlit as st

from dashboard import auth, components
from dashboard.data import Data
from ingest import directory
from ingest.access import ROLES
from ingest.errors import LekgotlaError
from ingest.users import save_user, seed_department_heads
from ingest.words import plural
from presentation import theme
from presentation.markup import md

FLASH = "users_flash"
NEW = "A new user…"
FORM_ROUND = "users_form_round"  # how many users this session has saved: the new-user form's keys
d = Data()
user = auth.current()
st.title("Users")
st.caption("Who may log in and what their role lets them do. A person logs in with the "
           "organisation's identity provider; the email it gives must be an active user here. "
           "Every change is written to the audit log.")
for message in st.session_state.pop(FLASH, []):
    st.success(message, icon=":material/check_circle:")

people = directory.users(d.con)
active = people[people["active"].astype(bool)] if not people.empty else people
cols = st.columns(5)
cols[0].metric("Active users", len(active), border=True)
for col, role in zip(cols[1:], ROLES, strict=True):
    col.metric(auth.ROLE_LABELS[role], int((active["role"] == role).sum()) if len(active) else 0,
               border=True, help=ROLES[role])

if people.empty:
    components.empty("No user yet. Add department heads from the register below, or add a "
                     "user by email.")
else:
    shown = people.assign(role=people["role"].map(lambda r: auth.ROLE_LABELS.get(r, r)))
    columns = {
        "email": st.column_config.TextColumn("Email"),
        "name": "Name",
        "role": st.column_config.TextColumn("Role", help="\n".join(
            f"- **{auth.ROLE_LABELS[r]}**: {text}" for r, text in ROLES.items())),
        "departments": st.column_config.TextColumn("Departments", width="medium"),
        "active": st.column_config.CheckboxColumn("Active"),
        "created_at": st.column_config.DatetimeColumn("Added", format="D MMM YYYY, HH:mm"),
        "created_by": "Added by"}
    st.dataframe(shown, hide_index=True, key="users", column_config=columns, placeholder=theme.DASH)
    components.downloads(shown, "lekgotla-users", "users", sheet="Users", headers=columns)

names = auth.register_departments(d.con)
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Add or change a user")
    emails = people["email"].tolist() if not people.empty else []
    chosen = st.selectbox("User", [NEW, *emails], key="user-pick",
                          help="Choose a user to change their role, departments or access.")
    existing = people[people["email"] == chosen].iloc[0] if chosen in emails else None
    # each save starts a fresh form: the browser keeps a form's fields while their keys stay, so
    # the next new user got the last one's name, role and departments
    fresh = st.session_state.get(FORM_ROUND, 0)
    suffix = chosen if existing is not None else f"new-{fresh}"
    with st.form(f"user-form-{suffix}"):
        email = (st.text_input("Email", value="", key=f"user-email-{fresh}",
                               placeholder="name@organisation.example")
                 if existing is None else str(existing["email"]))
        if existing is not None:
            st.markdown(f"**{md(email)}**")
        name = st.text_input("Name", value="" if existing is None else
                             str(existing["name"] or ""), key=f"user-name-{suffix}")
        roles = list(ROLES)
        role = st.selectbox("Role", roles, format_func=lambda r: auth.ROLE_LABELS[r],
                            index=roles.index(str(existing["role"])) if existing is not None
                            else roles.index("leadership"), key=f"user-role-{suffix}")
        mine = directory.user_departments(d.con, email) if existing is not None else []
        departments = st.multiselect(
            "Departments", sorted(set(names) | set(mine)), default=mine,
            key=f"user-departments-{suffix}",
            help="A department head uploads, restores and downloads templates for these "
                 "departments only. Other roles need none.")
        is_active = st.checkbox("Active (may log in)", value=True if existing is None
                                else bool(existing["active"]), key=f"user-active-{suffix}")
        submitted = st.form_submit_button("Save user", type="primary", icon=":material/save:")
    if submitted:
        try:
            saved = save_user(d.con, user, email, role, name.strip() or None,
                              tuple(departments) if role == "department_head" else (),
                              is_active, new=existing is None)
        except LekgotlaError as e:
            components.error(e)
        else:
            st.session_state[FLASH] = [
                f"Saved {md(saved.email)}: {auth.role_label(saved)}"
                + ("" if is_active else ", not active") + "."]
            st.session_state.pop("user-pick", None)
            st.session_state[FORM_ROUND] = fresh + 1
            st.rerun()

with right:
    st.subheader("Department heads from the register")
    heads = directory.heads_to_add(d.con)
    if heads.empty:
        st.caption("Every head with an email on the register's Departments sheet is a user "
                   "already (or the register lists no emails).")
    else:
        st.caption(f"{plural(len(heads), 'head')} on the register's Departments sheet "
                   f"{'has' if len(heads) == 1 else 'have'} no user yet. "
                   "Adding them gives each the department head role for their department; "
                   "existing users are left as they are.")
        columns = {"department": "Department", "head": "Head", "email": "Email"}
        st.dataframe(heads, hide_index=True, placeholder=theme.DASH,
                     key="heads-to-add", column_config=columns)
        components.downloads(heads, "lekgotla-heads-to-add", "heads-to-add",
                             sheet="Heads to add", headers=columns)
        if st.button(f"Add {plural(len(heads), 'department head')}", key="seed-heads",
                     icon=":material/group_add:"):
            try:
                added = seed_department_heads(d.con, user)
            except LekgotlaError as e:
                components.error(e)
            else:
                st.session_state[FLASH] = [f"Added {plural(added, 'department head')} from the register."]
                st.rerun()
    st.subheader("Roles")
    st.markdown("\n".join(f"- **{auth.ROLE_LABELS[r]}** — {text.split(': ', 1)[-1]}"
                           for r, text in ROLES.items()))
    st.caption("Everyone reads every page of figures. Only the roles that may export see "
               "download buttons, and every download is logged.")
