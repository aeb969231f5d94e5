"""Lekgotla dashboard: the router. `streamlit run dashboard/app.py`.

Start-up (settings check, database, sample data on a fresh start), the sidebar filters every
page honours, then `st.navigation`. Pages only render; their numbers come from `metrics`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import data, filters
from ingest import settings
from ingest.errors import LekgotlaError

PAGES = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="Lekgotla", page_icon=":material/insights:", layout="wide",
                   initial_sidebar_state="expanded")


def page(file: str, title: str, icon: str, default: bool = False) -> st.Page:
    """A page of dashboard/app_pages/, its URL path taken from the file name."""
    return st.Page(PAGES / file, title=title, icon=icon, default=default)


navigation = st.navigation({
    "Leadership": [
        page("overview.py", "Overview", ":material/dashboard:", default=True),
        page("alignment.py", "Alignment", ":material/account_tree:"),
        page("slippage.py", "Slippage", ":material/event_busy:"),
        page("department.py", "Department", ":material/apartment:"),
    ],
    "Monitoring & evaluation": [
        page("submissions.py", "Submissions", ":material/fact_check:"),
        page("explore.py", "Explore & export", ":material/table_view:"),
    ],
    "Reports & admin": [
        page("upload.py", "Upload", ":material/upload_file:"),
        page("review_pack.py", "Review pack", ":material/summarize:"),
        page("settings.py", "Settings", ":material/settings:"),
    ],
})

try:
    settings.check_all()
    data.start()
    d = data.Data()
except LekgotlaError as e:
    st.error(f"**{e.title}.** {e.message}", icon=":material/error:")
    st.stop()

st.logo(str(Path(__file__).resolve().parent / "logo.svg"), size="large")
filters.sidebar(d)
navigation.run()
