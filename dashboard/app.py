"""Lekgotla dashboard: the router. `streamlit run dashboard/app.py`.

Start-up checks (settings, packages, login configuration), the database (sample data on a fresh
start), who is signed in (`auth.gate`: the login page or demo mode), then `st.navigation` with
the pages the user's role may use — a page left out is not reachable by its URL either — and
the sidebar filters, on the pages they affect. A department head starts on their own
Department page. Pages only render; their numbers come from `metrics`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import auth, components, data, filters, startup
from ingest.errors import LekgotlaError

PAGES = Path(__file__).resolve().parent / "app_pages"

# a local file, served by the app: a `:material/...:` page icon is fetched from fonts.gstatic.com
# (and an emoji one drawn from a CDN), which an intranet behind a firewall cannot reach
ICON = Path(__file__).resolve().parent / "icon.svg"
# "auto": the sidebar starts open on a wide screen and collapsed on a phone
st.set_page_config(page_title="Lekgotla", page_icon=ICON, layout="wide",
                   initial_sidebar_state="auto")
components.style()  # focus ring, phone layout: on every page, the login page too


try:
    startup.check()
    data.start()
    d = data.Data()
    user = auth.gate(d)  # the login or no-access page stops the run here
except LekgotlaError as e:
    st.error(f"**{e.title}.** {e.message}", icon=":material/error:")
    st.stop()

NEEDS: dict[st.Page, str] = {}  # page -> the permission (ingest.access.PERMISSIONS) it needs
FILTERED: set[st.Page] = set()  # the pages the sidebar filters affect
# the site root for every role, so that a page's address is the same whoever opens it (a head's
# Overview link opens Overview for leadership too); a head is sent on to their Department page
HOME = "overview.py"
STARTED = "_session_started"  # a session's first run has been routed


def page(file: str, title: str, icon: str, needs: str = "view", filtered: bool = True
         ) -> st.Page:
    """A page of dashboard/app_pages/, its URL path taken from the file name (the home page's
    is the site root)."""
    p = st.Page(PAGES / file, title=title, icon=icon, default=file == HOME)
    NEEDS[p] = needs
    if filtered:
        FILTERED.add(p)
    return p


navigation = st.navigation(auth.visible_pages({
    "Leadership": [
        page("overview.py", "Overview", ":material/dashboard:"),
        page("alignment.py", "Alignment", ":material/account_tree:"),
        page("dependencies.py", "Dependencies", ":material/lan:"),
        page("initiatives.py", "Initiatives", ":material/hub:"),
        page("slippage.py", "Slippage", ":material/event_busy:"),
        page("department.py", "Department", ":material/apartment:"),
    ],
    "Monitoring & evaluation": [
        page("submissions.py", "Submissions", ":material/fact_check:"),
        page("explore.py", "Explore & export", ":material/table_view:"),
    ],
    "Reports & admin": [
        page("upload.py", "Upload", ":material/upload_file:", needs="upload", filtered=False),
        page("review_pack.py", "Review pack", ":material/summarize:", needs="export"),
        page("settings.py", "Settings", ":material/settings:", needs="settings", filtered=False),
        page("users.py", "Users", ":material/group:", needs="users", filtered=False),
        page("notifications.py", "Notifications", ":material/notifications:",
             needs="notifications", filtered=False),
        page("audit.py", "Audit", ":material/history:", needs="audit", filtered=False),
    ],
}, NEEDS, user, d), expanded=True)  # an admin's 15 pages: none hidden behind "View more"
components.builtin_export_off()  # after st.navigation: a rerun keeps the page

st.logo(str(Path(__file__).resolve().parent / "logo.svg"), size="large")
# a department head starts on their own Department page (issue 12): on the session's first run,
# at the site root with no view in the address (a link to Overview's view stays on it)
if not st.session_state.get(STARTED):
    st.session_state[STARTED] = True
    if (user.role == "department_head" and navigation.url_path == ""
            and not any(k in st.query_params for k in filters.VIEW_KEYS)):
        # {}: the address's own parameters are the demo role's, which its widget keeps (bound)
        st.switch_page(filters.DEPARTMENT_PAGE, query_params={})
auth.sidebar(user)
if navigation in FILTERED:  # Upload, Settings, Users, Notifications and Audit do not read them
    filters.sidebar(d)
auth.banner(user)
navigation.run()
