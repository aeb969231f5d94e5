"""Audit (admin): every login, upload, restore, register and setting change, user change and export,
and every refused attempt — filtered by who, what and when, and downloadable."""

from datetime import date, timedelta

import streamlit as st

from dashboard import components
from dashboard.data import Data
from ingest import directory
from presentation import theme

d = Data()
st.title("Audit")
st.caption("Who did what and when: logins, checks of a file with errors on Upload, uploads "
           "(accepted, rejected, duplicate), restores, "
           "register and setting changes, user changes, exports, and every attempt the user's "
           "role did not allow (outcome *refused*).")

actors, actions, first = directory.audit_choices(d.con)
today = date.today()
left, middle, right = st.columns([2, 2, 2])
who = left.multiselect("Who", actors, key="audit-actor", placeholder="Everyone",
                       help="The email of the person; cli for the command line, system for "
                            "start-up tasks, demo for demo mode.")
what = middle.multiselect("What", actions, key="audit-action", placeholder="Every action")
default_start = max(first or today, today - timedelta(days=90))
dates = right.date_input("When", value=(default_start, today), key="audit-dates",
                         max_value=today, format="YYYY-MM-DD",
                         help="From and to, both included.")
# while the second date is being picked the widget holds only the first
picked = list(dates) if isinstance(dates, (tuple, list)) else [dates]
start = picked[0] if picked else None
end = picked[1] if len(picked) > 1 else start
if start and end and start > end:  # typed the other way round: the days between them
    start, end = end, start
log = directory.audit_log(d.con, tuple(who), tuple(what), start, end)
refused = int((log["outcome"] == "refused").sum()) if len(log) else 0

cols = st.columns(4)
cols[0].metric("Entries", len(log), border=True)
cols[1].metric("People", log["actor"].nunique() if len(log) else 0, border=True)
cols[2].metric("Refused", refused, border=True,
               help="Attempts the user's role did not allow; nothing was written.")
cols[3].metric("Exports", int((log["action"] == "export").sum()) if len(log) else 0, border=True)
if log.empty:
    components.empty("No entry matches these filters: widen the dates, or clear who and what.")
    st.stop()

# as people read them: periods in words, and an empty cell (never "None") where nothing applies
# (a test message's is the moment it was sent, which keys it in the outbox)
shown = log.assign(period=[None if not isinstance(p, str) or not p else
                           theme.a_datetime(p) if "T" in p else theme.period_label(p)
                           for p in log["period"]])
columns = {
    "audit_id": st.column_config.NumberColumn("#", format="%d"),
    "logged_at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm:ss"),
    "actor": "Who", "action": "What", "outcome": "Outcome", "department": "Department",
    "period": "Period", "detail": st.column_config.TextColumn("Detail", width="large")}
st.dataframe(shown, hide_index=True, key="audit", height=560, placeholder="",
             column_config=columns)
if len(log) == directory.AUDIT_LIMIT:
    st.caption(f"The newest {directory.AUDIT_LIMIT:,} entries: narrow the dates to see older ones.")
stem = f"lekgotla-audit-{start or 'all'}-{end or 'all'}"
components.downloads(log, stem, "audit-log", prominent=True, sheet="Audit", headers=columns,
                     applied_filters={"actors": list(who), "actions": list(what),
                                      "from": str(start) if start else None,
                                      "to": str(end) if end else None})
