"""The dashboard's pages, one script each, routed by `dashboard/app.py` with `st.navigation`.

Not named `pages/`: Streamlit treats a `pages/` folder beside the entry script as a v1
multipage app on a fresh server's first run, so a page opened straight from its URL would run
without the router (no start-up, no filters, the wrong menu).
"""
