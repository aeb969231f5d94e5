"""Settings → Backups through AppTest: an admin backs up the database the dashboard holds and
downloads it, both audited; no other role sees it (issue 11, item 11)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from backends import LAKE
from dashboard_helpers import (
    APP,
    AUTH,
    EMAILS,
    PAGES,
    TIMEOUT,
    Downloads,
    clear_caches,
    copy_db,
    texts,
)
from streamlit.testing.v1 import AppTest

from ingest import db, settings
from ingest.backup import size_text


@pytest.fixture
def db_path(users_db: Path, tmp_path: Path) -> Path:
    return copy_db(users_db, tmp_path)


def open_as(db_path: Path, monkeypatch: pytest.MonkeyPatch, role: str, page: str) -> AppTest:
    """The app opened at `page`'s URL by the signed-in user of `role`."""
    monkeypatch.setenv("LEKGOTLA_DB", str(db_path))
    if not LAKE:  # beside the database file (the shared store's go to the test's folder)
        monkeypatch.delenv("LEKGOTLA_BACKUP_DIR", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets = {"auth": dict(AUTH)}
    at.user = {"is_logged_in": True, "email": EMAILS[role], "name": role,
               "email_verified": True, "iss": "http://idp.test"}
    if page != "overview":
        at.switch_page(PAGES[page])
    return at.run()


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = db.connect(path)  # as the dashboard opened it: this process shares its database
    try:
        return [tuple(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def counts(path: Path) -> dict[str, int]:
    names = [r[0] for r in rows(path, "SELECT table_name FROM duckdb_tables() "
                                      "WHERE schema_name = 'main'")]
    return {n: rows(path, f'SELECT count(*) FROM "{n}"')[0][0] for n in names}


@pytest.mark.skipif(LAKE, reason="a DuckDB file's backup (the shared store's: tests/lake)")
def test_an_admin_backs_up_the_running_database_and_downloads_it(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = open_as(db_path, monkeypatch, "admin", "settings")
    assert not at.exception
    assert [t.label for t in at.tabs][-1] == "Backups"
    assert "No backup in the backup folder yet" in texts(at)
    at.button(key="backup-now").click().run()
    assert not at.exception
    assert "Backup written" in texts(at)
    folder = db_path.parent / "backups"
    [made] = list(folder.iterdir())  # one file, no half-written one beside it
    assert made.name.startswith("lekgotla-") and made.name.endswith("-manual.duckdb")
    # its size in words, and in bytes in the list (shown as kB or MB, as its size asks)
    assert f"tables, {size_text(made.stat().st_size)})." in texts(at)
    [listed] = [t.value for t in at.dataframe if "size" in t.value.columns]
    assert listed["size"].tolist() == [made.stat().st_size]
    assert at.selectbox(key="backup-file").value == made.name
    # the page still holds the database: the backup was taken beside it, by its own connection
    assert downloads.named("-manual.duckdb") == made.read_bytes()
    audit = rows(db_path, "SELECT actor, outcome, detail FROM audit_log WHERE action = 'backup' "
                          "ORDER BY audit_id")
    assert [(a, o) for a, o, _ in audit] == [(EMAILS["admin"], "ok"),
                                             (EMAILS["admin"], "downloaded")]
    assert all(json.loads(d)["file"] == made.name for _, _, d in audit)
    live, copy = counts(db_path), counts(made)
    assert copy["action_status"] > 0 and copy["uploads"] > 0
    live["audit_log"] -= 2  # the two rows logging the backup and its download came after it
    assert copy == live

    # a second backup: the download choice moves to it, not staying on the first
    at.button(key="backup-now").click().run()
    assert not at.exception
    newest = next(p.name for p in folder.iterdir() if p.name != made.name)
    assert at.selectbox(key="backup-file").value == newest


@pytest.mark.parametrize("role", ["leadership", "department_head"])
def test_other_roles_see_no_backup(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   role: str) -> None:
    at = open_as(db_path, monkeypatch, role, "settings")  # its URL opened straight
    assert not at.exception
    assert "Not available to your role" in texts(at)
    assert not [b for b in at.button if b.key == "backup-now"]
    assert "Backups" not in [t.label for t in at.tabs]
    assert not settings.backup_dir(db_path).exists()


def test_the_scheduled_backups_thread_stops_when_the_dashboard_lets_go(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_as(db_path, monkeypatch, "admin", "overview")
    assert not at.exception
    running = [t for t in threading.enumerate() if t.name == "lekgotla-backups" and t.is_alive()]
    assert running
    clear_caches()
    for t in running:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in running)
