"""Shared pieces of the dashboard tests: a sample database built once, AppTest runs against a
copy of it, tiny report workbooks, and capture of the bytes a download button hands out."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from backends import LAKE, Lakes, is_lake_target
from openpyxl import Workbook
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from ingest import db
from ingest.access import ROLE_LABELS
from ingest.sample import load_sample_data
from presentation.markup import JOINER
from tools.apptest import scan_components_once

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
PAGES = {
    "overview": "app_pages/overview.py",
    "alignment": "app_pages/alignment.py",
    "dependencies": "app_pages/dependencies.py",
    "initiatives": "app_pages/initiatives.py",
    "slippage": "app_pages/slippage.py",
    "department": "app_pages/department.py",
    "submissions": "app_pages/submissions.py",
    "explore": "app_pages/explore.py",
    "upload": "app_pages/upload.py",
    "settings": "app_pages/settings.py",
    "users": "app_pages/users.py",
    "notifications": "app_pages/notifications.py",
    "audit": "app_pages/audit.py",
    "review_pack": "app_pages/review_pack.py",
}
# the pages each role's navigation lists beyond the ones everybody reads (ingest.access.PERMISSIONS)
ROLE_PAGES = {
    "admin": {"settings", "users", "audit", "review_pack", "notifications"},
    "leadership": {"review_pack"},
    "me": {"upload", "review_pack"},
    "department_head": {"upload"},
}
# a role that may use each page, for tests that only need to get there (demo mode)
ROLE_FOR_PAGE = {"upload": "me"}
# an [auth] section as Streamlit wants it (nothing is contacted until someone clicks Log in)
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-test-cookie-secret-of-some-length",
        "client_id": "lekgotla", "client_secret": "secret",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}
TIMEOUT = 60
scan_components_once()  # hundreds of AppTests a run
MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash-escaped ASCII punctuation

HEADER = ["Action ID", "Action", "Objective ID", "Responsible", "Budget allocated", "Budget spent",
          "Start date", "Due date", "Status", "Percent complete", "Completion date", "Comments"]


def clear_caches() -> None:
    """Forget every cached result and connection."""
    from dashboard import data

    data.wait_for_replay()  # not closing a connection under a replay still running
    st.cache_data.clear()
    st.cache_resource.clear()
    _SETTINGS_SEEN[0] = None


def release_databases() -> None:
    """Close the dashboard's connections and stop their schedules (between test cases), keeping
    the results: they key on the data version, which copies of one database share while they
    hold the same data, as they may then share results."""
    from dashboard import data

    data.wait_for_replay()  # not closing a connection under a replay still running
    for resource in (data._connection, data._started, data._backups, data._notifications,
                     data._watch):
        resource.clear()


# the settings from the environment and secrets of the last run (its results were worked out
# under them, and a run under others must not take them); not the folders each test sets to its
# own (tests/conftest.py), where files go and which no cached result reads
_SETTINGS_SEEN: list[Any] = [None]
_EVERY_TESTS_OWN = ("LEKGOTLA_DB", "LEKGOTLA_OUTBOX_DIR", "LEKGOTLA_BACKUP_DIR")


def _same_settings(secrets: dict[str, Any]) -> None:
    """Forget every cached result when this run's environment or secrets differ from the last's."""
    seen = (sorted((k, v) for k, v in os.environ.items()
                   if k.startswith("LEKGOTLA_") and k not in _EVERY_TESTS_OWN), repr(secrets))
    if seen != _SETTINGS_SEEN[0]:
        clear_caches()
        _SETTINGS_SEEN[0] = seen


def build_sample_db(path: Path) -> Path:
    """A database holding the sample data (sample_data/), closed so it can be copied: the file
    `path`, or on the shared store (backends.LAKE) a store of its own (a `ducklake:` address)."""
    target: Any = Lakes.new() if LAKE else path
    con = db.connect(target)
    load_sample_data(con)
    if not LAKE:
        con.execute("CHECKPOINT")
    con.close()
    return target  # type: ignore[no-any-return]


def copy_db(source: Path, target_dir: Path) -> Path:
    """A private copy of a database for one test (on the shared store, a store of its own)."""
    if is_lake_target(source):
        return Lakes.copy(str(source))  # type: ignore[return-value]
    target = target_dir / "lekgotla.duckdb"
    shutil.copy(source, target)
    return target


def app(db_path: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None,
        query: dict[str, Any] | None = None, state: dict[str, Any] | None = None,
        role: str | None = None, user: dict[str, Any] | None = None) -> AppTest:
    """The dashboard run once on `db_path`, opened at `page` when given (else the first page).

    Demo mode, acting as `role` (else the one `page` needs, else admin); with `user`, login is
    configured and `user` is the identity Streamlit's st.user gives (`{"is_logged_in": True,
    "email": ...}`)."""
    monkeypatch.setenv("LEKGOTLA_DB", str(db_path))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    # the secrets are the test's own: a developer's .streamlit/secrets.toml never leaks in
    at.secrets = {"auth": dict(AUTH)} if user is not None else {"lekgotla": {}}
    _same_settings(at.secrets)
    if user is not None:
        at.user = dict(user)
    else:
        role = role or ROLE_FOR_PAGE.get(page or "")
        if role:  # the sidebar's role choice, bound to the URL by its label
            at.query_params["demo_role"] = ROLE_LABELS[role]
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    if page is not None:
        # opened at the page's URL, as a browser would (before any run, AppTest finds a page by
        # its file name, which is its URL path here): one run, not Overview's first
        at.switch_page(PAGES[page])
    return at.run()


def metric_values(at: AppTest) -> dict[str, str]:
    """Label → value of every st.metric on the page."""
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    """Everything written with markdown, captions, titles, alerts: one string to search, with
    report text as a reader sees it (presentation.markup.md's escapes and word joiners read)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return MD_ESCAPE.sub(r"\1", "\n".join(parts)).replace(JOINER, "")


class Downloads:
    """Records the bytes of every file a page hands to a download button, and the function of
    every button whose file is made when clicked (`click` runs it as the browser's click would)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: dict[str, bytes | Callable[[], Any]] = {}
        original = MemoryMediaFileStorage.load_and_get_id
        original_deferred = MediaFileManager.add_deferred
        files = self.files

        def load_and_get_id(storage: Any, path_or_data: Any, mimetype: str, kind: Any,
                            filename: str | None = None) -> str:
            if isinstance(path_or_data, bytes) and filename:
                files.pop(filename, None)  # keep the order in which they were last handed out
                files[filename] = path_or_data
            return original(storage, path_or_data, mimetype, kind, filename)

        def add_deferred(manager: Any, data_callable: Callable[[], Any], mimetype: str | None,
                         coordinates: str, file_name: str | None = None, **kw: Any) -> str:
            if file_name:
                files.pop(file_name, None)
                files[file_name] = data_callable
            return original_deferred(manager, data_callable, mimetype, coordinates,
                                     file_name=file_name, **kw)

        monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
        monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)

    def names(self) -> list[str]:
        """The file names of every download offered so far."""
        return list(self.files)

    def named(self, suffix: str) -> bytes:
        """The file last offered whose name ends with `suffix` (made now, as a click would)."""
        found = [k for k in self.files if k.endswith(suffix)]
        assert found, f"{suffix}: {sorted(self.files)}"
        data = self.files[found[-1]]
        made = data() if callable(data) else data
        return made.encode("utf-8") if isinstance(made, str) else bytes(made)


def workbook(rows: list[list[Any]], sheet: str = "Actions") -> bytes:
    """Workbook bytes whose first sheet holds `rows` from A1."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, not a formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def finance_july(comment: str = "On track", fin05_completed: bool = False) -> bytes:
    """A valid Finance report for July 2025: four actions, two Completed (hand-checked: completion
    2/4 = 50.0%); `fin05_completed`: the correction with FIN-05 Completed on 28 July too."""
    fin05 = (["Completed", 100, "28/07/2025"] if fin05_completed else ["In progress", 80, None])
    return workbook([
        ["Department", "Finance"], ["Reporting period", "July 2025"], [],
        HEADER,
        ["FIN-03", "Reduce supplier payment turnaround to 30 days", "SO4", "Ruan Pretorius",
         400000, 320000, "01/02/2025", "30/06/2025", "Completed", 100, "25/07/2025", comment],
        ["FIN-04", "Upgrade the financial system to the vendor's cloud release", "SO8",
         "Priya Govender", 1850000, 2063800, "01/03/2025", "31/07/2025", "Completed", 100,
         "30/07/2025", "=HYPERLINK(\"http://example.com\",\"click\")"],
        ["FIN-05", "Prepare interim financial statements for the half-year", "SO3",
         "Kagiso Molefe", 150000, 90000, "01/04/2025", "31/07/2025", *fin05, "+27 11 555 0100"],
        ["FIN-07", "Recover outstanding debtors older than 90 days", "SO4", "Themba Zulu",
         50000, 30000, "01/01/2025", "30/09/2025", "In progress", 70, None, "-5% variance"],
    ])


def finance_july_bad() -> bytes:
    """A Finance report for July 2025 with three errors: a status Lekgotla does not know (I5), a
    progress that is not a number (J6), and an action ID used twice (A7)."""
    return workbook([
        ["Department", "Finance"], ["Reporting period", "July 2025"], [],
        HEADER,
        ["FIN-03", "Reduce supplier payment turnaround to 30 days", "SO4", "Ruan Pretorius",
         400000, 320000, "01/02/2025", "30/06/2025", "Maybe", 100, None, None],
        ["FIN-04", "Upgrade the financial system to the vendor's cloud release", "SO8",
         "Priya Govender", 1850000, 2063800, "01/03/2025", "31/07/2025", "In progress", "lots",
         None, None],
        ["FIN-04", "Prepare interim financial statements for the half-year", "SO3",
         "Kagiso Molefe", 150000, 90000, "01/04/2025", "31/07/2025", "In progress", 80, None,
         None],
    ])


# The users the role tests sign in as (the `users_db` fixture of tests/dashboard/conftest.py).
EMAILS = {
    "admin": "policy.office@lekgotla.example",
    "leadership": "ceo@lekgotla.example",
    "me": "me.team@lekgotla.example",
    "department_head": "nomvula.dlamini@lekgotla.example",  # Finance
}
HR_HEAD = "pieter.vandermerwe@lekgotla.example"
