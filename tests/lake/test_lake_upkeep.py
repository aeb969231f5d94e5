"""The shared store while a dashboard runs on it: the command line loads, backs up and restores
beside it (a DuckDB file would refuse: it admits one process), and maintenance merges files
without expiring a snapshot a backup pins."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from backends import Lakes
from dashboard_helpers import Downloads, app, clear_caches, texts
from testdata import report

from ingest import db, lake
from ingest.access import CLI
from tools.browser import exceptions, settle
from tools.launch import ROOT, running_app

DEPARTMENTS = ["Finance", "Human Resources", "Information Technology", "Legal and Compliance",
               "Marketing and Communications", "Operations", "Strategy and Planning"]


def july_reports(folder: Path) -> list[str]:
    """A report for July 2025 from every department: a month the sample data does not have."""
    folder.mkdir()
    paths = []
    for n, department in enumerate(DEPARTMENTS):
        path = folder / f"{department}_2025-07.xlsx"
        path.write_bytes(report([[f"JUL-{n}", "Close the half-year books", "SO1", "Owner", 5000,
                                  2500, dt.date(2025, 7, 1), dt.date(2025, 9, 30), "In progress",
                                  50, None, None]], department=department, period="July 2025"))
        paths.append(str(path))
    return paths


def cli(*args: str, backups: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LEKGOTLA_BACKUP_DIR=str(backups), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "ingest", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def count(target: str, sql: str) -> int:
    con = db.connect(target)
    try:
        return int(db.scalar(con, sql))
    finally:
        con.close()


def test_load_backup_and_restore_from_the_command_line_while_the_app_runs(
        tmp_path: Path, browser: Any) -> None:
    target = Lakes.sample()
    backups = tmp_path / "backups"
    with running_app(target) as url:  # type: ignore[arg-type]
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        def overview() -> str:
            page.goto(url)
            settle(page, "Overview")
            assert not exceptions(page)
            return str(page.content())  # the charts' SVG text included
        assert "July 2025" not in overview()  # the app has the store open now

        made = cli("backup", "--db", target, backups=backups)
        assert made.returncode == 0, made.stderr
        [manifest] = backups.glob("lekgotla-*-manual.lake.json")
        assert json.loads(manifest.read_text())["tables"]["uploads"] == 41
        assert (backups / manifest.name.replace(".lake.json", ".catalog.dump")).stat().st_size > 0

        # a month's reports loaded beside the running app
        loaded = cli("load", *july_reports(tmp_path / "july"), "--db", target, backups=backups)
        assert loaded.returncode == 0, loaded.stdout + loaded.stderr
        assert count(target, "SELECT count(*) FROM uploads") == 41 + len(DEPARTMENTS)
        assert "July 2025" in overview()  # the newest month, seen at the next run: no restart

        back = cli("restore", str(manifest), "--db", target, backups=backups)
        assert back.returncode == 0, back.stderr
        assert "back at snapshot" in back.stdout
        assert count(target, "SELECT count(*) FROM uploads") == 41
        assert count(target, "SELECT count(*) FROM action_status WHERE period = '2025-07'") == 0
        assert "July 2025" not in overview()
        # the audit log keeps the load and adds the restore
        assert count(target, "SELECT count(*) FROM audit_log WHERE action = 'upload' "
                             "AND period = '2025-07'") == len(DEPARTMENTS)
        assert count(target, "SELECT count(*) FROM audit_log WHERE action = 'restore'") == 1
        page.close()


def test_maintenance_merges_files_and_keeps_pinned_snapshots(tmp_path: Path) -> None:
    target = Lakes.sample()
    con = db.connect(target)
    pinned = lake.write_backup(con, tmp_path / "pinned.lake.json")
    for month in ("2025-02", "2025-03"):  # more snapshots after the backup
        db.write(con, lambda c, m=month: c.execute(
            "UPDATE action_status SET comments = 'edited' WHERE period = $m", {"m": m}))
    rows = db.scalar(con, "SELECT count(*) FROM action_status")
    snapshots = db.scalar(con, "SELECT count(*) FROM ducklake_snapshots(current_database())")

    done = lake.maintain(con, now=datetime.now() + timedelta(days=400))  # everything is old
    assert done["snapshots_expired"] >= snapshots - 2  # all but the pinned one and the latest
    left = {r[0] for r in con.execute(
        "SELECT snapshot_id FROM ducklake_snapshots(current_database())").fetchall()}
    assert pinned.snapshot in left
    assert db.scalar(con, "SELECT count(*) FROM action_status") == rows  # nothing lost
    assert done["files_after"] <= done["files_before"]

    restored = lake.restore(con, pinned.path, CLI)  # the pinned snapshot still restores
    assert restored.snapshot == pinned.snapshot
    assert db.scalar(con, "SELECT count(*) FROM action_status WHERE comments = 'edited'") == 0
    con.close()


def test_a_lost_catalog_comes_back_from_its_dump_and_the_data_folder_copied_with_it(
        tmp_path: Path) -> None:
    # docs/backups.md, "When the catalog server itself is lost": the dump names the small data
    # files uploads leave, which maintenance merges and deletes, so it fits only a copy of the
    # data folder taken with it; a copy taken after that maintenance does not open
    import shutil

    from ingest.load import load_file
    from ingest.register import load_register

    sample = ROOT / "sample_data"
    target = Lakes.empty()
    con = db.connect(target)
    load_register(con, (sample / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx")
    for path in sorted((sample / "reports").glob("*_2025-0[45].*")):
        load_file(con, path.read_bytes(), path.name)
    kept = lake.write_backup(con, tmp_path / "kept.lake.json")
    data = Lakes.data_of(target)
    shutil.copytree(data, tmp_path / "with-the-backup")
    rows = db.scalar(con, "SELECT count(*) FROM action_status")
    for path in sorted((sample / "reports").glob("*_2025-06.*")):
        load_file(con, path.read_bytes(), path.name)
    lake.maintain(con, now=datetime.now() + timedelta(days=400))
    con.execute("CALL ducklake_cleanup_old_files(current_database(), cleanup_all => true)")
    con.close()
    pg = Lakes.cluster()
    name = target.rsplit("dbname=", 1)[1] + "_again"
    pg.create_database(name)
    subprocess.run([str(pg.bin / "pg_restore"), "--no-owner", f"--dbname={pg.dsn(name)}",
                    str(kept.catalog)], check=True, capture_output=True)
    again = "ducklake:postgres:" + pg.dsn(name)  # the dump names the same data folder
    with pytest.raises(Exception, match="Cannot open file"):  # the folder as it is now
        db.connect(again).close()
    shutil.rmtree(data)
    shutil.copytree(tmp_path / "with-the-backup", data)
    con = db.connect(again)
    try:
        back = lake.restore(con, kept.path, CLI)
        assert back.snapshot == kept.snapshot
        assert db.scalar(con, "SELECT count(*) FROM action_status") == rows
        assert db.scalar(con, "SELECT count(*) FROM uploads WHERE period = '2025-06'") == 0
    finally:
        con.close()


def test_an_admin_backs_up_the_shared_store_on_the_settings_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = Lakes.sample()
    folder = tmp_path / "backups"
    monkeypatch.setenv("LEKGOTLA_BACKUP_DIR", str(folder))
    clear_caches()
    downloads = Downloads(monkeypatch)
    at = app(target, monkeypatch, page="settings", role="admin")  # type: ignore[arg-type]
    assert "The shared store keeps every change as a numbered snapshot" in texts(at)
    at.button(key="backup-now").click().run()
    assert not at.exception
    assert "Backup written" in texts(at)
    [manifest] = folder.glob("lekgotla-*-manual.lake.json")
    assert (folder / manifest.name.replace(".lake.json", ".catalog.dump")).exists()
    snapshot = json.loads(manifest.read_text())["snapshot"]
    assert at.selectbox(key="backup-file").value == manifest.name
    assert count(target, f"SELECT count(*) FROM kept_snapshots WHERE snapshot_id = {snapshot}") == 1
    assert count(target, "SELECT count(*) FROM audit_log WHERE action = 'backup' "
                         "AND outcome = 'ok'") == 1
    # the download is what the backup folder holds, manifest and catalog dump, and says so
    assert "Download this backup's manifest and catalog dump (.zip)" in [
        b.proto.label for b in at.get("download_button")]
    assert "the data files are not in it" in texts(at)
    dump = folder / manifest.name.replace(".lake.json", ".catalog.dump")
    with zipfile.ZipFile(io.BytesIO(downloads.named("-manual.zip"))) as z:
        assert sorted(z.namelist()) == sorted([manifest.name, dump.name, "README.txt"])
        assert z.read(manifest.name) == manifest.read_bytes()
        assert z.read(dump.name) == dump.read_bytes()
        assert "NOT in this zip" in z.read("README.txt").decode()
    assert count(target, "SELECT count(*) FROM audit_log WHERE action = 'backup' "
                         "AND outcome = 'downloaded'") == 1
    clear_caches()


def test_maintenance_deletes_a_freed_file_an_hour_later_not_under_a_reader(tmp_path: Path) -> None:
    """A file merged away, or left by an expired snapshot, may still be under a statement of
    another process (a page, a backup's pin): deleted at once, that statement failed with "Cannot
    open file" (seen in CI: three dashboards' scheduled backup and upkeep at the same moment).
    Maintenance deletes it once it has been unneeded for an hour, at a later upkeep."""
    target = Lakes.sample()
    con = db.connect(target)
    for month in ("2025-02", "2025-03"):  # files for the upkeep to merge and expire
        db.write(con, lambda c, m=month: c.execute(
            "UPDATE action_status SET comments = 'edited' WHERE period = $m", {"m": m}))
    data = Path(db.lake_data_path(con))
    [(catalog,)] = con.execute("SELECT database_name FROM duckdb_databases() "
                               "WHERE starts_with(database_name, '__ducklake_metadata_')").fetchall()
    freed = f"{lake.quoted(catalog)}.ducklake_files_scheduled_for_deletion"

    def scheduled() -> list[Path]:
        return [data / p if relative else Path(p) for p, relative in con.execute(
            f"SELECT path, path_is_relative FROM {freed}").fetchall()]

    lake.maintain(con, now=datetime.now() + timedelta(days=400))  # every snapshot is old
    files = scheduled()
    assert files and all(f.exists() for f in files)  # freed, still there for their readers
    con.execute(f"UPDATE {freed} SET schedule_start = schedule_start - INTERVAL 2 HOUR")
    lake.maintain(con)  # the next upkeep, over an hour later
    # gone (this upkeep frees files of its own, which stay in turn)
    assert not any(f.exists() for f in files) and not set(files) & set(scheduled())
    rows = db.scalar(con, "SELECT count(*) FROM action_status WHERE comments = 'edited'")
    assert rows == db.scalar(con, "SELECT count(*) FROM action_status WHERE period IN "
                                  "('2025-02', '2025-03')")  # nothing it needs was deleted
    con.close()
