"""From one dashboard on a DuckDB file to several over the shared store: `python -m ingest restore
FILE --db ducklake:…` moves a Lekgotla file (a backup, or a stopped dashboard's database) into an
empty store, every table in one transaction, with the same figures after as before."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from backends import Lakes

import metrics
from ingest import backup, db, lake
from ingest.cli import main
from ingest.errors import LekgotlaError
from metrics.filters import Filters


@pytest.fixture
def sample_file(sample_db: Path, tmp_path: Path) -> Path:
    """A copy of the sample data's DuckDB file (sample_db is a file on either backend's run)."""
    path = tmp_path / "lekgotla.duckdb"
    shutil.copyfile(sample_db, path)
    return path


def counts(con: db.Connection) -> dict[str, int]:
    return {t: int(db.scalar(con, f"SELECT count(*) FROM {lake.quoted(t)}"))
            for t in lake.table_names(con) if t not in backup.NOT_MOVED}


def test_a_file_moves_into_an_empty_store_with_every_row_and_the_same_figures(
        sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = Lakes.new()
    store = db.connect(target)
    own_entries = int(db.scalar(store, "SELECT count(*) FROM audit_log"))
    version = int(db.scalar(store, "SELECT value FROM meta WHERE key = 'data_version'"))
    store.close()

    assert main(["restore", str(sample_file), "--db", target]) == 0
    said = capsys.readouterr().out
    assert "moved into the shared store" in said

    file, store = db.connect(sample_file, read_only=True), db.connect(target)
    try:
        in_file, in_store = counts(file), counts(store)
        assert in_file["uploads"] == 41 and in_file["action_status"] > 0
        # the file's audit log follows the store's own entries, and the move is one more
        assert in_store.pop("audit_log") == own_entries + in_file.pop("audit_log") + 1
        assert in_store == in_file
        moves = store.execute("SELECT outcome, detail FROM audit_log WHERE action = 'restore'"
                              ).fetchall()
        assert len(moves) == 1 and moves[0][0] == "moved in"
        assert sample_file.name in moves[0][1]
        assert int(db.scalar(store, "SELECT value FROM meta WHERE key = 'data_version'")) != version
        assert int(db.scalar(store, "SELECT count(DISTINCT audit_id) FROM audit_log")) == int(
            db.scalar(store, "SELECT count(*) FROM audit_log"))
        for period in ("2025-06", "2025-Q2"):
            for departments in ((), ("Finance",)):
                f = Filters(period=period, departments=departments)
                on_store, on_file = metrics.kpis(store, f), metrics.kpis(file, f)
                assert on_store.keys() == on_file.keys()
                assert all(on_store[k] == on_file[k] or (
                    isinstance(on_file[k], float) and math.isclose(on_store[k], on_file[k]))
                    for k in on_file), (on_store, on_file)
        assert metrics.kpis(store, Filters("2025-06"))["actions"] > 0
    finally:
        file.close()
        store.close()


def test_a_store_that_already_holds_reports_is_refused_and_left_as_it_was(
        sample_file: Path) -> None:
    store = db.connect(Lakes.new())
    try:
        backup.restore_into_store(store, sample_file)
        before = (db.snapshot(store), counts(store))
        with pytest.raises(LekgotlaError, match="already holds 41 uploads") as refused:
            backup.restore_into_store(store, sample_file)
        assert "restore one of its own backups (*.lake.json)" in refused.value.message
        # a file that is not there, or not a backup, is said so: it was told the store is full
        with pytest.raises(LekgotlaError, match=r"^There is no file at .*nonexist\.lake\.json"):
            backup.restore_into_store(store, sample_file.with_name("nonexist.lake.json"))
        sheet = sample_file.with_name("Finance_2025-06.xlsx")
        sheet.write_bytes(b"PK\x03\x04" + bytes(60))
        with pytest.raises(LekgotlaError, match="is neither a backup of the shared store"):
            backup.restore_into_store(store, sheet)
        assert (db.snapshot(store), counts(store)) == before
    finally:
        store.close()


def test_a_duckdb_file_that_is_not_lekgotlas_is_refused_and_the_store_is_untouched(
        tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE budget (line VARCHAR, amount DOUBLE)")
    store = db.connect(Lakes.new())
    try:
        snapshot = db.snapshot(store)
        with pytest.raises(LekgotlaError, match="not a Lekgotla backup"):
            backup.restore_into_store(store, other)
        with pytest.raises(LekgotlaError, match="There is no file at"):
            backup.restore_into_store(store, tmp_path / "missing.duckdb")
        assert db.snapshot(store) == snapshot
        assert int(db.scalar(store, "SELECT count(*) FROM uploads")) == 0
    finally:
        store.close()


def test_a_file_a_running_dashboard_holds_is_refused_and_the_store_is_untouched(
        sample_file: Path) -> None:
    # another process has it open to write, as the one dashboard on it would: a copy taken now
    # could miss its last commits
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys\n"
         f"con = duckdb.connect({str(sample_file)!r})\nprint('open', flush=True)\nsys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    store = db.connect(Lakes.new())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        snapshot = db.snapshot(store)
        with pytest.raises(backup.DatabaseInUse, match="in use by .*Stop it, or use a backup"):
            backup.restore_into_store(store, sample_file)
        assert db.snapshot(store) == snapshot
        assert int(db.scalar(store, "SELECT count(*) FROM uploads")) == 0
    finally:
        store.close()
        holder.communicate("", timeout=30)
