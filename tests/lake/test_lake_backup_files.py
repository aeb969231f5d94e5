"""A shared store backup is a manifest, whatever it is named: the command line asks for the
.lake.json name it is, a manifest named otherwise still restores, and a backup written outside
the backup folder keeps its snapshot pinned when the schedule prunes the folder."""

from __future__ import annotations

import datetime as dt
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from backends import Lakes
from testdata import report

from ingest import db, lake
from ingest.access import CLI
from ingest.backup import scheduled_backup
from ingest.cli import main
from ingest.load import load_file

NOW = datetime(2027, 1, 5, 2, 0)  # after the sample load's own upkeep


def uploads(target: str) -> int:
    con = db.connect(target)
    try:
        return int(db.scalar(con, "SELECT count(*) FROM uploads"))
    finally:
        con.close()


def test_a_backup_named_duckdb_is_refused_with_the_name_to_use(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    target = Lakes.sample()
    monkeypatch.setenv("LEKGOTLA_BACKUP_DIR", str(tmp_path / "backups"))
    assert main(["backup", str(tmp_path / "lekgotla-2025-07-01.duckdb"), "--db", target]) == 2
    said = capsys.readouterr().err
    assert "not a DuckDB file" in said
    assert f"such as {tmp_path / 'lekgotla-2025-07-01.lake.json'}" in said
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing pinned
    con = db.connect(target)
    assert db.scalar(con, "SELECT count(*) FROM kept_snapshots WHERE reason LIKE 'backup %'") == 0
    con.close()


def test_a_manifest_restores_whatever_its_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    target = Lakes.sample()
    monkeypatch.setenv("LEKGOTLA_BACKUP_DIR", str(tmp_path / "backups"))
    con = db.connect(target)
    made = lake.write_backup(con, tmp_path / "lekgotla-2025-07-01.lake.json")
    held = int(db.scalar(con, "SELECT count(*) FROM uploads"))
    db.write(con, lambda c: c.execute("DELETE FROM uploads WHERE period = '2025-03'"))
    con.close()
    renamed = made.path.rename(tmp_path / "lekgotla-2025-07-01.duckdb")  # as written before the fix
    assert main(["restore", str(renamed), "--db", target]) == 0, capsys.readouterr().err
    assert "back at snapshot" in capsys.readouterr().out  # not "a DuckDB file goes only into…"
    assert uploads(target) == held


def test_a_backup_outside_the_backup_folder_stays_pinned_when_the_schedule_prunes(
        tmp_path: Path) -> None:
    target = Lakes.sample()
    folder, elsewhere = tmp_path / "backups", tmp_path / "elsewhere"
    con = db.connect(target)
    manual = lake.write_backup(con, elsewhere / "lekgotla-2025-07-01.lake.json")
    # the catalog dump holds the users and the audit log: the owner's alone, as the manifest
    assert [p.stat().st_mode & 0o777 for p in (manual.path, manual.catalog)] == [0o600, 0o600]
    db.write(con, lambda c: c.execute("UPDATE action_status SET comments = 'edited'"))
    first = scheduled_backup(con, folder, every_hours=24, keep=1, now=NOW)
    taken = datetime.now().timestamp() - 2 * 86400  # older than the next one's file
    os.utime(first.path, (taken, taken))  # type: ignore[union-attr]
    later = NOW + timedelta(days=1)
    second = scheduled_backup(con, folder, every_hours=24, keep=1, now=later)
    assert second is not None and not first.path.exists()  # type: ignore[union-attr]
    # pins left: the manual one elsewhere and the newest scheduled one; the pruned one's is gone
    pins = [str(r[0]) for r in con.execute(
        "SELECT reason FROM kept_snapshots WHERE reason LIKE 'backup %' ORDER BY reason").fetchall()]
    assert pins == sorted([f"backup {second.path.resolve()}", f"backup {manual.path.resolve()}"])

    lake.maintain(con, now=later + timedelta(days=400))  # every unpinned snapshot expires
    back = lake.restore(con, manual.path, CLI)
    assert back.snapshot == manual.snapshot
    assert db.scalar(con, "SELECT count(*) FROM action_status WHERE comments = 'edited'") == 0
    con.close()


def test_a_pin_naming_the_file_alone_is_judged_in_the_folder(tmp_path: Path) -> None:
    """Pins made before they named the full path: one whose file left the folder goes."""
    con = db.connect(Lakes.empty())
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "kept.lake.json").write_text(json.dumps({"snapshot": 1}))
    db.write(con, lambda c: c.execute(
        "INSERT INTO kept_snapshots VALUES (1, 'backup kept.lake.json', now()), "
        "(1, 'backup gone.lake.json', now())"))
    assert lake.unpin_missing(con, folder) == 1
    assert [r[0] for r in con.execute("SELECT reason FROM kept_snapshots WHERE reason LIKE "
                                      "'backup %' ORDER BY reason").fetchall()] == [
        "backup kept.lake.json"]
    con.close()


def july(percent: int) -> bytes:
    """Finance's July 2025 report (a month the sample data does not have), at `percent` done."""
    return report([["JUL-1", "Close the half-year books", "SO1", "Owner", 5000, 2500,
                    dt.date(2025, 7, 1), dt.date(2025, 9, 30), "In progress", percent, None, None]],
                  department="Finance", period="July 2025")


def test_an_upload_id_is_never_given_twice_across_restores(tmp_path: Path) -> None:
    target = Lakes.sample()  # 41 uploads, IDs 1 to 41
    con = db.connect(target)
    made = lake.write_backup(con, tmp_path / "before-july.lake.json")
    given = []
    for percent in (40, 50, 60):  # load July, then go back to the backup, three times over
        [loaded] = load_file(con, july(percent), "Finance_2025-07.xlsx")
        given.append(loaded.upload_id)
        lake.restore(con, made.path, CLI)
    # 42, then 43 and 44: the IDs a restore undid are not given again (they were 42, 42, 42)
    assert given == [42, 43, 44]
    named = [int(json.loads(r[0])["upload_id"]) for r in con.execute(
        "SELECT detail FROM audit_log WHERE action = 'upload' AND outcome = 'accepted' "
        "AND period = '2025-07' ORDER BY audit_id").fetchall()]
    assert named == [42, 43, 44]
    con.close()


def test_the_command_line_backs_up_beside_the_stores_own_data_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # run without the dashboards' environment file: no backup_dir, and data_path left at its
    # default (data/lake/ in the project): the backup goes where the dashboards list and prune them
    target = Lakes.new()
    monkeypatch.delenv("LEKGOTLA_BACKUP_DIR", raising=False)
    monkeypatch.delenv("LEKGOTLA_DATA_PATH", raising=False)
    assert main(["backup", "--db", target]) == 0, capsys.readouterr().err
    written = Path(capsys.readouterr().out.split(": backup written")[0])
    try:
        assert written.parent == Lakes.data_of(target).parent / "backups"
        assert written.name.endswith("-manual" + lake.MANIFEST)
        con = db.connect(target)
        try:
            from ingest.backup import backup_folder
            assert backup_folder(con) == written.parent  # the dashboards' Backups tab lists it
        finally:
            con.close()
    finally:
        for made in written.parent.glob(written.name.removesuffix(lake.MANIFEST) + "*"):
            made.unlink()
