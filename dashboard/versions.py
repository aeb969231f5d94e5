"""One department's report for one month on the Department page: the original file of the version
in force, and every accepted version with a way to make an older one current again (SPEC §2.6).
The restore itself is `ingest.load.restore_upload`, which checks the user and logs it."""

from __future__ import annotations

from typing import Any

import streamlit as st

import metrics
from dashboard import auth, components, data, filters
from dashboard.data import Data
from ingest.access import User, allowed, check_export
from ingest.errors import LekgotlaError
from ingest.load import restore_upload
from ingest.words import possessive
from metrics import views
from presentation import theme
from presentation.markup import md

FLASH = "restore_flash"


def original_file(user: User, report: dict[str, Any], department: str, month: str) -> None:
    """The file the version in force was read from, for roles that may export (logged)."""
    if not auth.may(user, "export"):
        return
    con = data.connection()
    upload_id, name = int(report["upload_id"]), str(report["file_name"])

    def build() -> bytes:  # runs in the server's thread when the button is clicked
        cursor = con.cursor()
        check_export(cursor, user, int(report.get("row_count") or 0), table="original file",
                     file=name, upload_id=upload_id, department=department,
                     period=month)
        found = views.upload_file(cursor, upload_id)
        return found[1] if found else b""

    st.download_button("Original file", build, file_name=name, key="original",
                       on_click="ignore", icon=":material/download:",
                       help="The department's file byte for byte, for the archive: not checked "
                            "or neutralised, so any formula or macro in it is still there.")
    st.caption("The file exactly as it was uploaded: open it only if you trust the sender.")


def restore_control(d: Data, user: User, department: str, month: str) -> None:
    """Every accepted version of the report, and (for roles that may) making an older one current."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    history = d(views.upload_history, metrics.Filters(month, (department,)), False)
    accepted = history[(history["status"] == "accepted") & (history["period"] == month)
                       & (history["department"] == department)]
    if len(accepted) < 2:
        return
    with st.expander(f"{len(accepted)} versions of this report — the one in force can be "
                     "changed", icon=":material/history:"):
        order = ["upload_id", "is_current", "file_name", "uploaded_by", "uploaded_at",
                 "submitted_at", "row_count", "warning_count"]
        columns = {
            "upload_id": st.column_config.NumberColumn("Upload #", format="%d"),
            "is_current": st.column_config.CheckboxColumn("In force"),
            "file_name": "File", "uploaded_by": "Uploaded by",
            "uploaded_at": st.column_config.DatetimeColumn("Uploaded", format="D MMM YYYY, HH:mm"),
            "submitted_at": st.column_config.DatetimeColumn("Submitted", format="D MMM YYYY"),
            "row_count": "Actions", "warning_count": "Warnings"}
        st.dataframe(accepted, hide_index=True, placeholder=theme.DASH,
                     key="versions", column_order=order, column_config=columns)
        scope = metrics.Filters(month, (department,))
        components.downloads(accepted[order], filters.file_stem(scope, "versions"), "versions",
                             sheet="Versions", headers=columns, scope=scope)
        if not allowed(user, "restore", department):
            st.caption("The policy office, the M&E team and the department's own head may make "
                       "an older version current again.")
            return
        older = accepted[~accepted["is_current"].astype(bool)]
        labels = {int(r.upload_id): f"#{r.upload_id} · {r.file_name} · uploaded "
                  f"{theme.a_datetime(r.uploaded_at)} by {r.uploaded_by}"
                  for r in older.itertuples()}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox("Make this version current again", list(labels),
                                format_func=lambda u: labels[u], key="restore-version")
        if right.button("Restore", key="restore", icon=":material/restore:") and chosen:
            try:
                restore_upload(d.con, user, int(chosen))
            except LekgotlaError as e:
                components.error(e)
            else:
                st.session_state[FLASH] = (f"Upload #{chosen} is {md(possessive(department))} report in force "
                                           f"for {theme.period_label(month)} again; the version it "
                                           "replaces is kept.")
                st.rerun()
