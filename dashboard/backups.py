"""Settings → Backups (admin): take a backup while the dashboard runs, see and download them.

The dashboard holds the database, so it is the one process that can copy it while in use
(`ingest.backup`); taking and downloading a backup are checked and audited there.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import components, data
from dashboard.data import Data
from ingest import db, settings
from ingest.access import User
from ingest.backup import (
    SCHEDULED,
    backup_files,
    backup_folder,
    backup_size,
    download,
    download_name,
    size_text,
    take_backup,
)
from ingest.errors import LekgotlaError
from presentation import theme

FLASH = "backups_flash"


def _code(value: object) -> str:
    """A path shown as code, so no character in it reads as Markdown."""
    return "`" + str(value).replace("`", "'") + "`"


def section(d: Data, user: User) -> None:
    """The Backups tab: what is backed up where, Back up now, and the backups to download."""
    folder = backup_folder(d.con)
    every, keep = int(settings.get("backup_every_hours")), int(settings.get("backup_keep"))
    schedule = (f"The dashboard also takes one by itself every {every} hours and keeps the "
                f"newest {keep} of those" if every > 0 else
                "Scheduled backups are off (setting backup_every_hours is 0)")
    if db.is_lake(d.con):
        st.caption(f"The shared store keeps every change as a numbered snapshot. A backup pins "
                   f"the latest one (maintenance never expires it) and writes a dump of the "
                   f"store's catalog beside a small manifest to {_code(folder)} on the server; "
                   f"the data files stay in the store's data folder, to be backed up with the "
                   f"storage's own tools. {schedule}; the ones taken here are never deleted by "
                   "it. To go back to one while everyone works, run `python -m ingest restore "
                   "MANIFEST.lake.json` with the store's settings (from deploy/start: `set -a; . "
                   "STATE/lekgotla.env; set +a` first; docs/backups.md).")
    else:
        st.caption(f"A backup is a complete copy of the database, consistent even while reports "
                   f"are being uploaded, written to {_code(folder)} on the server. {schedule}; "
                   "the ones taken here are never deleted by it. To put one back, stop the "
                   "dashboard and run `python -m ingest restore FILE` (README, Backups).")
    for message in st.session_state.pop(FLASH, []):
        st.success(message, icon=":material/check_circle:")
    failed = data.backups().error
    if failed:
        st.warning(f"The last scheduled backup failed: {failed}", icon=":material/warning:")
    if st.button("Back up now", type="primary", key="backup-now", icon=":material/backup:"):
        try:
            with st.spinner("Backing up the database…"):
                made = take_backup(d.con, user, folder)
        except LekgotlaError as e:
            components.error(e)
        else:
            st.session_state[FLASH] = [
                f"Backup written: {_code(made.path.name)} ({made.rows:,} rows in "
                f"{len(made.tables)} tables, {size_text(made.size)})."]
            st.session_state["backup-file"] = made.path.name  # the one just taken, to download
            st.rerun()
    files = backup_files(folder)
    if not files:
        components.empty("No backup in the backup folder yet: take one with Back up now.")
        return
    listed = pd.DataFrame([{
        "file": p.name, "taken": theme.a_datetime(datetime.fromtimestamp(p.stat().st_mtime)),
        "size": backup_size(p),
        "kind": "scheduled" if SCHEDULED.match(p.name) else "taken by hand"} for p in files])
    columns = {"file": "File", "taken": "Taken", "kind": "Kind",
               "size": st.column_config.NumberColumn("Size", format="bytes")}
    st.dataframe(listed, hide_index=True, placeholder=theme.DASH,
                 key="backup-files", column_config=columns)
    components.downloads(listed, "lekgotla-backups", "backup-files", sheet="Backups",
                         headers={**columns, "size": "Size (bytes)"})
    name = st.selectbox("Backup to download", [p.name for p in files], key="backup-file")
    chosen = folder / str(name)
    con = data.connection()

    def build() -> bytes:  # runs in the server's thread when the button is clicked
        return download(con.cursor(), user, Path(chosen))

    if db.is_lake(d.con):  # a copy of what the backup folder holds, not of the data files
        st.download_button("Download this backup's manifest and catalog dump (.zip)", build,
                           file_name=download_name(chosen), mime="application/zip",
                           key="backup-download", on_click="ignore", icon=":material/download:")
        st.caption("The zip holds the manifest and the dump of the store's catalog, to keep off "
                   "the server; the data files are not in it: they stay in the store's data "
                   "path, backed up with the storage's own tools.")
        return
    st.download_button("Download this backup", build, file_name=download_name(chosen),
                       mime="application/octet-stream", key="backup-download",
                       on_click="ignore", icon=":material/download:")
