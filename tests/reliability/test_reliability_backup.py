"""Backups are consistent while uploads keep committing and can be taken beside the running
dashboard; a restore never loses the live database (issue 11, item 11)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from testdata import report

from ingest import backup as backups
from ingest import db
from ingest.access import CLI, AccessDenied, User
from ingest.backup import backup, restore, scheduled_backup, take_backup
from ingest.cli import main
from ingest.errors import LekgotlaError
from ingest.load import load_file

ADMIN = User("policy.office@lekgotla.example", "admin", "Policy Office")
LEADER = User("ceo@lekgotla.example", "leadership", "Chief Executive")
# what the holder prints once it has the database open read-write, as the dashboard holds it
HOLD = ("import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); "
        "sys.stdin.readline()")


def version(n: int, rows: int = 300) -> bytes:
    actions = [[f"F-{i}", f"Deliver improvement {i} for the finance team", "SO1", "Owner", 1000, 10,
                dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 10 + n % 80, None, None]
               for i in range(rows)]
    return report(actions)


def counts(path: Path) -> dict[str, int]:
    """Rows of every table of the database file at `path` (opened read-only, then closed)."""
    con = db.connect(path, read_only=True)
    try:
        return tables(con)
    finally:
        con.close()


def tables(con: db.Connection) -> dict[str, int]:
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                       "WHERE schema_name = 'main' ORDER BY 1").fetchall()]
    return {n: int(db.scalar(con, f'SELECT count(*) FROM "{n}"')) for n in names}


def percent(path: Path) -> list[tuple[int, ...]]:
    """The distinct percent complete of the current rows: which version a database holds."""
    con = db.connect(path, read_only=True)
    try:
        return [tuple(r) for r in con.execute("SELECT DISTINCT percent_complete FROM action_status "
                                              "WHERE is_current").fetchall()]
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def make_db(path: Path, n: int, rows: int = 300) -> Path:
    """A closed database at `path` holding version `n` of the Finance report."""
    con = db.connect(path)
    load_file(con, version(n, rows), "Finance_2025-02.xlsx")
    con.close()
    return path


@pytest.fixture
def live(tmp_path: Path) -> Path:
    return make_db(tmp_path / "live.duckdb", 1)


@pytest.fixture
def held(live: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the live database read-write, as the running dashboard does."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(live)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    yield proc
    proc.kill()
    proc.wait()


def test_backup_under_writes_then_restore(tmp_path: Path) -> None:
    live = tmp_path / "live.duckdb"
    con = db.connect(live)
    load_file(con, version(0), "Finance_2025-02.xlsx")
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        cur = con.cursor()
        n = 0
        try:
            while not stop.is_set():
                n += 1
                load_file(cur, version(n), "Finance_2025-02.xlsx")
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            cur.close()

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(0.5)
    copies = []
    for i in range(3):
        path = tmp_path / f"backup-{i}.duckdb"
        backup(con.cursor(), path)
        copies.append(path)
        time.sleep(0.2)
    stop.set()
    t.join()
    assert errors == []
    con.close()
    for path in copies:
        b = db.connect(path)
        [(upload_id, rows)] = b.execute("SELECT upload_id, row_count FROM uploads WHERE is_current").fetchall()
        got = b.execute("SELECT upload_id, count(*), count(DISTINCT percent_complete) FROM action_status "
                        "WHERE is_current GROUP BY 1").fetchall()
        assert got == [(upload_id, rows, 1)]  # one whole version, the one uploads calls current
        b.close()
    # restore the first backup over the live database
    assert main(["restore", str(copies[0]), "--db", str(live)]) == 0
    restored = db.connect(live)
    assert restored.execute("SELECT count(*) FROM action_status WHERE is_current").fetchall() == [(300,)]
    restored.close()
    assert [p.name for p in tmp_path.glob("live.duckdb.before-restore-*")] != []


# --- restore -----------------------------------------------------------------------------

def test_restore_onto_its_own_file_is_refused_and_leaves_it_intact(
        live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, files, rows = digest(live), listing(tmp_path), counts(live)
    link = tmp_path / "link.duckdb"
    link.symlink_to(live)
    for source in (live, link):  # the same file by its own name, or through a symlink
        assert main(["restore", str(source), "--db", str(live)]) == 2
        err = capsys.readouterr().err
        assert "is the database itself" in err and "Nothing was changed" in err
        assert "Traceback" not in err
    assert main(["restore", str(live), "--db", str(link)]) == 2  # the database named by a link
    assert digest(live) == before and counts(live) == rows
    assert listing(tmp_path) == sorted([*files, "link.duckdb"])  # nothing moved, nothing kept


def test_restore_while_another_process_holds_the_database_is_refused(
        live: Path, tmp_path: Path, held: subprocess.Popen[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    source = make_db(tmp_path / "backup.duckdb", 2)
    before = {p.name: digest(p) for p in tmp_path.iterdir()}
    assert main(["restore", str(source), "--db", str(live)]) == 2
    err = capsys.readouterr().err
    assert "in use by" in err and f"process {held.pid}" in err
    assert "Stop the dashboard" in err and "Nothing was changed" in err
    assert {p.name: digest(p) for p in tmp_path.iterdir()} == before  # both files untouched
    held.kill()
    held.wait()
    assert percent(live) == [(11,)]  # still version 1


def test_restore_while_this_process_holds_the_database_is_refused(live: Path,
                                                                  tmp_path: Path) -> None:
    source = make_db(tmp_path / "backup.duckdb", 2)
    con = db.connect(live)  # as a dashboard in this process would hold it (DuckDB's lock is per process)
    before = listing(tmp_path)
    with pytest.raises(backups.DatabaseInUse, match="open in this program itself"):
        restore(source, live)
    assert listing(tmp_path) == before
    assert db.scalar(con, "SELECT DISTINCT percent_complete FROM action_status") == 11
    con.close()


def test_without_hard_links_the_copies_are_made_whole(live: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise PermissionError(1, "Operation not permitted")  # as on a file system without them

    source = make_db(tmp_path / "backup.duckdb", 2)
    con = db.connect(source)
    monkeypatch.setattr(os, "link", no_links)
    made = backup(con, tmp_path / "copy.duckdb")
    con.close()
    done = restore(made, live)
    monkeypatch.undo()
    assert done.kept is not None and percent(done.kept) == [(11,)]
    assert percent(live) == [(12,)]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_two_restores_keep_both_earlier_copies(live: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    first = make_db(tmp_path / "first.duckdb", 2)
    second = make_db(tmp_path / "second.duckdb", 3)
    assert main(["restore", str(first), "--db", str(live)]) == 0
    kept_1 = capsys.readouterr().out.split("kept as ")[1].strip().rstrip(".")
    assert main(["restore", str(second), "--db", str(live)]) == 0  # within the same second, likely
    kept_2 = capsys.readouterr().out.split("kept as ")[1].strip().rstrip(".")
    assert kept_1 != kept_2
    assert ".before-restore-" in Path(kept_1).name
    assert percent(Path(kept_1)) == [(11,)]  # the original
    assert percent(Path(kept_2)) == [(12,)]  # what the first restore put in
    assert percent(live) == [(13,)]
    # the same moment twice: the second copy gets a counter, never the first one's name
    now = dt.datetime(2026, 12, 4, 19, 30)
    a = restore(first, live, now=now)
    b = restore(second, live, now=now)
    assert a.kept is not None and b.kept is not None
    assert a.kept.name == "live.duckdb.before-restore-20261204T193000"
    assert b.kept.name == "live.duckdb.before-restore-20261204T193000-2"
    assert percent(a.kept) == [(13,)] and percent(b.kept) == [(12,)]


def test_restore_of_a_file_that_is_not_a_backup_changes_nothing(live: Path, tmp_path: Path) -> None:
    junk = tmp_path / "notes.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.duckdb"
    import duckdb

    duckdb.connect(str(other)).execute("CREATE TABLE t AS SELECT 1 AS x").close()
    before = digest(live)
    for source in (junk, other):
        files = listing(tmp_path)
        with pytest.raises(LekgotlaError, match="not a Lekgotla backup"):
            restore(source, live)
        assert listing(tmp_path) == files  # no temporary file left, no copy kept
    assert digest(live) == before


def test_a_restored_database_logs_the_restore(live: Path, tmp_path: Path) -> None:
    source = make_db(tmp_path / "backup.duckdb", 2)
    done = restore(source, live)
    con = db.connect(live, read_only=True)
    [(actor, outcome, detail)] = con.execute("SELECT actor, outcome, detail FROM audit_log "
                                             "WHERE action = 'database'").fetchall()
    con.close()
    assert (actor, outcome) == (CLI.email, "restored")
    assert json.loads(detail)["file"] == "backup.duckdb"
    assert done.kept is not None and percent(done.kept) == [(11,)]


def test_an_upload_after_a_restore_takes_an_id_the_replaced_database_never_gave(
        live: Path, tmp_path: Path) -> None:
    con = db.connect(live)
    source = backup(con, tmp_path / "backup.duckdb")  # upload 1
    [second] = load_file(con, version(2), "Finance_2025-02.xlsx")
    con.close()
    done = restore(source, live)  # back to upload 1 alone; the copy kept holds uploads 1 and 2
    con = db.connect(live)
    [third] = load_file(con, version(3), "Finance_2025-02.xlsx")
    con.close()
    # 2 was given before the restore (kept in the copy's audit log): the next is 3, not 2 again
    assert (second.upload_id, third.upload_id) == (2, 3)
    assert done.kept is not None


# --- backup beside the running dashboard -------------------------------------------------

def test_cli_backup_of_a_database_in_use_says_to_use_settings(
        live: Path, tmp_path: Path, held: subprocess.Popen[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "copy.duckdb"
    assert main(["backup", str(out), "--db", str(live)]) == 2
    err = capsys.readouterr().err
    assert "in use by" in err and f"process {held.pid}" in err
    assert "Settings → Backups" in err and str(tmp_path / "backups") in err
    assert "Traceback" not in err and "Could not set lock" not in err
    assert not out.exists()


def test_the_dashboard_backs_up_the_database_it_holds(tmp_path: Path) -> None:
    """The dashboard's process holds the database (locked down, as dashboard/data.py opens it):
    another process cannot back it up, the function Settings calls can, and it is audited."""
    live = make_db(tmp_path / "live.duckdb", 1)
    con = db.connect(live)
    db.lock_down(con)
    cli = subprocess.run([sys.executable, "-m", "ingest", "backup", str(tmp_path / "x.duckdb"),
                          "--db", str(live)], capture_output=True, text=True)
    assert cli.returncode == 2 and "Settings → Backups" in cli.stderr
    folder = tmp_path / "backups"
    made = take_backup(con.cursor(), ADMIN, folder, now=dt.datetime(2026, 12, 4, 19, 30))
    assert made.path == folder / "lekgotla-20261204T193000-manual.duckdb"
    assert listing(folder) == [made.path.name]  # no half-written file left beside it
    live_rows = tables(con)
    [(actor, outcome, detail)] = con.execute("SELECT actor, outcome, detail FROM audit_log "
                                             "WHERE action = 'backup'").fetchall()
    assert (actor, outcome) == (ADMIN.email, "ok")
    assert json.loads(detail)["file"] == made.path.name
    con.close()
    got = counts(made.path)
    live_rows["audit_log"] -= 1  # the row logging the backup came after it
    assert got == live_rows == made.tables
    assert got["action_status"] == 300
    # it restores (the dashboard stopped) and holds the same report
    restore(made.path, live)
    assert percent(live) == [(11,)]


def test_only_an_admin_backs_up_and_a_refusal_is_logged(tmp_path: Path) -> None:
    con = db.connect(make_db(tmp_path / "live.duckdb", 1))
    for user in (LEADER, User("head@x.example", "department_head", "Head", frozenset({"Finance"}))):
        with pytest.raises(AccessDenied):
            take_backup(con, user, tmp_path / "backups")
        with pytest.raises(AccessDenied):
            backups.download(con, user, tmp_path / "live.duckdb")
    assert not (tmp_path / "backups").exists()
    refused = con.execute("SELECT actor FROM audit_log WHERE action = 'backup' AND "
                          "outcome = 'refused'").fetchall()
    assert len(refused) == 4
    con.close()


def test_a_failed_backup_leaves_no_file_and_never_overwrites(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(make_db(tmp_path / "live.duckdb", 1))
    folder = tmp_path / "backups"
    existing = folder / "taken.duckdb"
    folder.mkdir()
    existing.write_bytes(b"an older backup")
    with pytest.raises(LekgotlaError, match="already exists"):
        backup(con, existing)
    assert existing.read_bytes() == b"an older backup"

    def broken(path: Path, tables: dict[str, int]) -> None:
        raise LekgotlaError("The backup file holds 1 row of uploads, not 2.", "The backup failed")

    monkeypatch.setattr(backups, "_check", broken)  # the check after writing finds it short
    with pytest.raises(LekgotlaError, match="not 2"):
        take_backup(con, ADMIN, folder)
    assert listing(folder) == ["taken.duckdb"]  # neither a backup nor a half-written file
    [(outcome,)] = con.execute("SELECT outcome FROM audit_log WHERE action = 'backup'").fetchall()
    assert outcome == "failed"
    con.close()


def test_scheduled_backups_fall_due_and_the_oldest_are_pruned(tmp_path: Path) -> None:
    con = db.connect(make_db(tmp_path / "live.duckdb", 1))
    folder = tmp_path / "backups"
    manual = take_backup(con, ADMIN, folder, now=dt.datetime(2026, 1, 1, 9)).path
    start = dt.datetime(2026, 12, 1, 2)
    made = []
    for hour in range(0, 30, 2):  # every 2 hours for 30 hours, a backup every 6 hours kept 3
        now = start + dt.timedelta(hours=hour)
        b = scheduled_backup(con, folder, every_hours=6, keep=3, now=now)
        if b is not None:
            os.utime(b.path, (now.timestamp(), now.timestamp()))  # as if written then
            made.append(b.path.name)
    assert made == [f"lekgotla-202612{d:02d}T{h:02d}0000.duckdb"
                    for d, h in ((1, 2), (1, 8), (1, 14), (1, 20), (2, 2))]
    assert listing(folder) == sorted([manual.name, *made[-3:]])  # the one taken by hand stays
    assert scheduled_backup(con, folder, every_hours=0, keep=3) is None  # 0: off
    actors = {r[0] for r in con.execute("SELECT actor FROM audit_log WHERE action = 'backup'")
              .fetchall()}
    assert actors == {ADMIN.email, "system"}
    con.close()


def test_the_schedule_thread_takes_a_backup_and_stops(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    live = make_db(tmp_path / "live.duckdb", 1)
    monkeypatch.setenv("LEKGOTLA_DB", str(live))
    con = db.connect(live)
    db.lock_down(con)
    schedule = backups.Schedule(con, first_check_s=0, check_every_s=3600).start()
    deadline = time.monotonic() + 60
    while schedule.last is None and schedule.error is None and time.monotonic() < deadline:
        time.sleep(0.05)
    schedule.stop.set()
    schedule.thread.join(timeout=60)
    assert schedule.error is None and schedule.last is not None
    assert not schedule.thread.is_alive()
    assert schedule.last.path.parent == tmp_path / "backups"
    assert counts(schedule.last.path)["action_status"] == 300
    con.close()
