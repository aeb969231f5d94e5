"""Submissions: who reported, when, and how good the reports are (SPEC §5.11)."""

import streamlit as st

import metrics
from dashboard import components, filters
from dashboard.data import Data
from ingest.words import plural
from metrics import views
from metrics.actions import resolve_month
from metrics.filters import is_quarter
from presentation import charts, theme
from presentation.markup import md

d = Data()
f = components.require_filters(d)
currency = d.setting("currency")
components.heading("Submissions", f, "who has reported, on time or late, and how clean the "
                   "reports are")

history = filters.history(f, d)
quality = d(metrics.report_quality, history)
if quality.empty:
    components.empty("No department is in scope. Load the strategy register on Settings, or "
                     "upload a report.")
    st.stop()
# a quarter: the tiles and the quality table are of its last month with reports, as every
# page's figures are (the grid shows every month up to it), said so
last = d(resolve_month, metrics.Filters(f.period, f.departments))
now = quality[quality["period"] == last]
if is_quarter(f.period):
    st.caption(f"The figures and the quality table are for {theme.period_label(last)}, the "
               "quarter's latest month with reports, as on every page; the grid shows every "
               "month, the stale actions each month of the quarter.")
counts = now["state"].value_counts().to_dict()
k = d(metrics.kpis, metrics.Filters(last, f.departments))
cols = st.columns(5)
cols[0].metric("Submission rate", theme.pct(k["submission_rate"]), border=True,
               help="Departments with an accepted report ÷ departments in the register.")
cols[1].metric("On-time submission", theme.pct(k["on_time_submission_rate"]), border=True,
               help="Share of the accepted reports first accepted by the deadline (day "
                    f"{d.setting('on_time_day')} of the following month).")
cols[2].metric("Late", counts.get("late", 0), border=True)
cols[3].metric("Missing", counts.get("missing", 0), border=True)
cols[4].metric("Rejected only", counts.get("rejected", 0), border=True,
               help="Departments whose only files for the month were rejected.")

ahead = d(views.files_ahead, metrics.Filters(f.period, f.departments))
if not ahead.empty:
    waiting = sorted({str(p) for p in ahead["period"]})
    st.warning(
        f"{plural(len(ahead), 'file')} came for {', '.join(theme.period_label(m) for m in waiting)}, "
        "for which no report is accepted yet, so the month is not in the Period list: "
        + ", ".join(f"{md(str(dept))} ({len(rows)})"
                    for dept, rows in ahead.groupby("department", sort=True)) + ".",
        icon=":material/assignment_late:")
    components.table(ahead, key="ahead", d=d, inputs=(f,),
                     stem=filters.file_stem(f, "files-not-yet-accepted"), currency=currency,
                     columns=["department", "period", "file_name", "status", "uploaded_at",
                              "error_count", "warning_count"],
                     labels={"period": "Month", "status": "Outcome", "error_count": "Errors",
                             "warning_count": "Warnings"})

st.subheader("Departments × months")
st.markdown(" ".join(theme.chip(s, theme.SUBMISSION_COLOURS[s]) for s in theme.SUBMISSION_ORDER),
            unsafe_allow_html=True)
grid_cells = quality["department"].nunique() * quality["period"].nunique()
if grid_cells > charts.GRID_TEXT_CELLS:
    st.caption(f"{quality['department'].nunique()} departments × {quality['period'].nunique()} months: "
               "each cell in its state's colour; point at a cell for its state.")
components.chart(d.figure(charts.submission_grid, quality, "", inputs=(history,)),
                config=charts.CONFIG, theme=None)

st.subheader(f"Data quality of the reports for {theme.period_label(last)}")
components.table(
    now,
    key="quality", stem=filters.file_stem(f, "report-quality"), currency=currency,
    d=d, inputs=(f,),
    columns=["department", "state", "deadline", "first_submitted_at", "versions", "rejected",
             "row_count", "warning_count", "warnings_per_row", "smart_pass_share",
             "stale_actions", "not_reported", "file_name"],
    labels={"state": "State", "versions": st.column_config.NumberColumn(
                "Versions", help="Accepted versions of the report for the month."),
            "rejected": st.column_config.NumberColumn(
                "Rejected files", help="Failed files submitted for the month while it has no "
                "accepted report (a file only checked on Upload is not one); 0 once a valid report "
                "is accepted."),
            "row_count": st.column_config.NumberColumn("Rows reported"),
            "warning_count": st.column_config.NumberColumn("Warnings"),
            "stale_actions": st.column_config.NumberColumn(
                "Stale actions", help="Not Completed, same status and progress in three "
                "consecutive reports; every action of the report, whatever the objective filter."),
            "not_reported": st.column_config.NumberColumn(
                "Not reported", help="Open actions of the plan the report left out: each is carried "
                "forward with its last reported figures until a report gives it again or marks it "
                "Cancelled.")})

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Stale actions")
    stale = d(metrics.stale_actions, f)
    if stale.empty:
        chosen = " and ".join(w for w, on in (("objectives", f.objectives),
                                              ("statuses", f.statuses)) if on)
        chosen = f" of the chosen {chosen}" if chosen else ""
        st.success(f"No action{chosen} has stood still for three consecutive reports.",
                   icon=":material/check_circle:")
    else:
        components.table(stale, key="stale", d=d, inputs=(f,),
                         stem=filters.file_stem(f, "stale"),
                         currency=currency,
                         # a quarter lists an action once for each month it stood still in
                         columns=["department", *(["period"] if is_quarter(f.period) else []),
                                  "action_id", "action", "objective_id", "status",
                                  "percent_complete", "since_period", "sheet", "source_row"],
                         labels={"period": "Month", "since_period": "Unchanged since"})
with right:
    st.subheader("Every file received")
    files = d(views.upload_history, f, False)
    if files.empty:
        components.empty("No file was received for this period.")
    else:
        components.table(files, key="files", d=d, inputs=(f,),
                         stem=filters.file_stem(f, "uploads"),
                         currency=currency,
                         # a quarter's files are of three months: which, not left to file names
                         columns=["department", *(["period"] if is_quarter(f.period) else []),
                                  "file_name", "status", "is_current", "submitted_at",
                                  "uploaded_at", "row_count", "error_count", "warning_count",
                                  "skipped_count"],
                         labels={"period": "Month", "status": "Outcome", "is_current": "In force",
                                 "row_count": "Actions",
                                 "error_count": "Errors", "warning_count": "Warnings",
                                 "skipped_count": "Rows skipped"})
