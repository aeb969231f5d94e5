"""The results folder every dashboard process shares (setting shared_cache,
dashboard/shared_cache.py): one process's view is read, not worked out again, by another; a
change of data, code or settings is never answered from it; the folder stays within its size and
is refused when others can write to it."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from dashboard_helpers import app, clear_caches, finance_july, metric_values
from streamlit.testing.v1 import AppTest

import metrics
from dashboard import shared_cache
from dashboard.shared_cache import SharedCache
from ingest import db, settings
from ingest.errors import LekgotlaError, SettingsError
from ingest.load import load_file

ROOT = Path(__file__).resolve().parents[2]
JULY = (metrics.Filters("2025-07", ("Finance",)),)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "results"
    path.mkdir(mode=0o700)
    return path


def test_a_key_is_the_same_in_another_process(folder: Path) -> None:
    """Python salts its hashes per process: the key must not depend on them."""
    here = SharedCache(folder, 2**20).key(7, "metrics.kpis", "kpi_changes", JULY,
                                          (("dependencies", False),))
    child = subprocess.run(
        [sys.executable, "-c",
         "import sys, metrics; from pathlib import Path; "
         "from dashboard.shared_cache import SharedCache; "
         "print(SharedCache(Path(sys.argv[1]), 2**20).key(7, 'metrics.kpis', 'kpi_changes', "
         "(metrics.Filters('2025-07', ('Finance',)),), (('dependencies', False),)))", str(folder)],
        capture_output=True, text=True, cwd=ROOT, check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)})
    assert here is not None and child.stdout.strip() == here


def test_a_key_changes_with_the_data_the_call_and_the_settings(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = SharedCache(folder, 2**20)
    key = cache.key(7, "metrics.kpis", "kpi_changes", JULY, ())
    assert key is not None and key.startswith("0000000000000007-")
    others = {
        cache.key(8, "metrics.kpis", "kpi_changes", JULY, ()),  # an upload since
        cache.key(7, "metrics.kpis", "kpi_trend", JULY, ()),
        cache.key(7, "metrics.kpis", "kpi_changes", (metrics.Filters("2025-06", ("Finance",)),), ()),
        cache.key(7, "metrics.kpis", "kpi_changes", JULY, (("dependencies", False),)),
    }
    monkeypatch.setenv("LEKGOTLA_RED_SLIP_DAYS", "10")  # a threshold from the environment
    others.add(cache.key(7, "metrics.kpis", "kpi_changes", JULY, ()))
    assert key not in others and len(others) == 5
    # where the dashboards run is not what a result holds: instances differing in it share results
    monkeypatch.delenv("LEKGOTLA_RED_SLIP_DAYS")
    monkeypatch.setenv("LEKGOTLA_THREADS", "1")
    assert cache.key(7, "metrics.kpis", "kpi_changes", JULY, ()) == key
    # a table as an argument says nothing the same way in two processes: not kept
    assert cache.key(7, "metrics.kpis", "kpi_changes", (pd.DataFrame({"a": [1]}),), ()) is None


def test_a_result_kept_is_read_whole_by_another_cache_on_the_folder(folder: Path) -> None:
    key = SharedCache(folder, 2**20).key(7, "metrics.kpis", "kpi_changes", JULY, ())
    assert key is not None
    table = pd.DataFrame({"kpi": ["completion_rate"], "value": [81.8]})
    assert SharedCache(folder, 2**20).get(key) == (False, None)
    SharedCache(folder, 2**20).put(key, table)
    found, value = SharedCache(folder, 2**20).get(key)
    assert found
    pd.testing.assert_frame_equal(value, table)
    assert sorted(p.name for p in folder.iterdir()) == [key]  # no part-written file left


def test_a_damaged_file_is_a_miss_and_goes(folder: Path) -> None:
    (folder / "0000000000000007-abc.pkl").write_bytes(b"not a pickle")
    assert SharedCache(folder, 2**20).get("0000000000000007-abc.pkl") == (False, None)
    assert not (folder / "0000000000000007-abc.pkl").exists()


def test_results_of_another_version_go_a_minute_after_their_last_read(folder: Path) -> None:
    cache = SharedCache(folder, 2**20)
    old = time.time() - shared_cache.KEEP_OTHER_VERSIONS_S - 5
    left = time.time() - shared_cache.ABANDONED_S - 5
    for name, when in (("0000000000000006-a.pkl", old), ("0000000000000006-b.pkl", time.time()),
                       ("0000000000000007-c.pkl", old), (".being-written.part", old),
                       (".left-by-a-stopped-process.part", left), ("not-ours.txt", left)):
        (folder / name).write_bytes(pickle.dumps(name))
        os.utime(folder / name, (when, when))
    cache.prune("0000000000000007")
    # the version before, read lately (a process still on it), stays a minute; this version
    # stays; a file being written stays an hour; what is not the cache's is left alone
    assert sorted(p.name for p in folder.iterdir()) == [
        ".being-written.part", "0000000000000006-b.pkl", "0000000000000007-c.pkl", "not-ours.txt"]


def test_a_full_folder_loses_the_results_read_least_lately(folder: Path) -> None:
    cache = SharedCache(folder, 10_000)
    now = time.time()
    for n in range(5):  # 5 × 3,000 bytes in a 10,000-byte folder, the oldest first
        path = folder / f"0000000000000007-{n}.pkl"
        path.write_bytes(b"x" * 3000)
        os.utime(path, (now - 100 + n, now - 100 + n))
    os.utime(folder / "0000000000000007-0.pkl")  # read just now: kept
    cache.prune("0000000000000007")
    # 15,000 bytes down to at most 8,000: the three read least lately (1, 2, 3) go, 6,000 left
    assert sorted(p.name for p in folder.iterdir()) == ["0000000000000007-0.pkl",
                                                        "0000000000000007-4.pkl"]


def test_the_folder_is_made_for_the_dashboards_user_and_refused_when_others_can_write(
        tmp_path: Path) -> None:
    made = tmp_path / "new" / "results"
    shared_cache.check_folder(made)
    assert made.is_dir() and made.stat().st_mode & 0o777 == 0o700
    open_to_all = tmp_path / "open"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    with pytest.raises(LekgotlaError, match=r"Other users can write .*chmod go-w"):
        shared_cache.check_folder(open_to_all)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(LekgotlaError, match="not a folder"):
        shared_cache.check_folder(a_file)
    with pytest.raises(SettingsError, match="shared_cache_mb.*at least 16"):
        settings.validate_value("shared_cache_mb", "8")


VIEW = {"period": "July 2025", "dept": "Finance"}


def july_shared(db_path: Path, monkeypatch: pytest.MonkeyPatch, folder: Path
                ) -> tuple[db.Connection, AppTest]:
    """Shared results in `folder`; Finance's July report loaded (the connection that loaded it,
    kept open for a correction) and the Overview of it open."""
    monkeypatch.setenv("LEKGOTLA_SHARED_CACHE", str(folder))
    monkeypatch.setattr(shared_cache, "WORTH_KEEPING_S", 0.0)  # the test's calls are quick
    con = db.connect(db_path)
    load_file(con, finance_july(), "Finance_2025-07.xlsx")
    at = app(db_path, monkeypatch, "overview", query=VIEW)
    # July: 4 rows, FIN-03 and FIN-04 Completed, and June's 7 Completed actions carried over
    assert metric_values(at)["Completion"] == "81.8%"  # 9 of 11
    return con, at


def test_a_view_one_process_worked_out_is_read_by_the_next_and_an_upload_is_not_missed(
        db_path: Path, monkeypatch: pytest.MonkeyPatch, folder: Path,
        kpi_changes_asked: list[tuple[str, str, tuple[str, ...]]]) -> None:
    """Two processes in turn: the second (no result in its memory) reads the first's KPIs from
    the folder; after a correction both work the new figures out, never the old ones."""
    asked = kpi_changes_asked
    con, at = july_shared(db_path, monkeypatch, folder)
    assert ("ScriptRunner.scriptThread", "2025-07", ("Finance",)) in asked
    assert any(folder.iterdir())
    clear_caches()  # another process: nothing in memory
    asked.clear()
    at = app(db_path, monkeypatch, "overview", query=VIEW)
    assert metric_values(at)["Completion"] == "81.8%"
    assert asked == []  # read from the folder
    [outcome] = load_file(con, finance_july(fin05_completed=True), "Finance_2025-07.xlsx")
    assert outcome.status == "accepted"
    con.close()
    for _ in range(2):  # the first process, then another with nothing in memory
        asked.clear()
        at = app(db_path, monkeypatch, "overview", query=VIEW)
        assert metric_values(at)["Completion"] == "90.9%"  # FIN-05 Completed too: 10 of 11
        clear_caches()
    assert ("ScriptRunner.scriptThread", "2025-07", ("Finance",)) not in asked  # the second read the first's


def test_the_dashboard_refuses_a_folder_others_can_write(
        db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    open_to_all = tmp_path / "open"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    monkeypatch.setenv("LEKGOTLA_SHARED_CACHE", str(open_to_all))
    at = app(db_path, monkeypatch)
    assert [e.value for e in at.error] == [
        f"**The shared cache folder is open to others.** Other users can write to the "
        f"shared_cache folder `{open_to_all}`: what the dashboards read from it is trusted like "
        f"the database, so it must be the dashboard user's alone (`chmod go-w {open_to_all}`)."]
    assert not at.metric  # nothing was read


def test_a_function_whose_code_is_not_in_the_key_is_not_kept(folder: Path) -> None:
    """The key holds the code of the packages below the dashboard: a function of the dashboard's
    own could change in a deploy and be answered from before it."""
    cache = SharedCache(folder, 2**20)
    assert cache.key(7, "dashboard.components", "anything", JULY, ()) is None
    assert cache.key(7, "followup.preview", "preview", ("digest",), ()) is not None


def test_a_claim_is_one_process_s_until_released_or_left_too_long(folder: Path) -> None:
    cache = SharedCache(folder, 2**20)
    assert cache.claim("0000000000000007-a.pkl")
    assert not SharedCache(folder, 2**20).claim("0000000000000007-a.pkl")  # another process
    cache.release("0000000000000007-a.pkl")
    assert SharedCache(folder, 2**20).claim("0000000000000007-a.pkl")
    left = time.time() - shared_cache.CLAIM_S - 5  # by a process that stopped
    os.utime(folder / "0000000000000007-a.pkl.claim", (left, left))
    assert cache.claim("0000000000000007-a.pkl")


def test_after_a_change_a_view_another_process_is_replaying_is_left_to_it(
        db_path: Path, monkeypatch: pytest.MonkeyPatch, folder: Path,
        kpi_changes_asked: list[tuple[str, str, tuple[str, ...]]]) -> None:
    """Two processes replay what their pages read after a change: with shared results, the one
    that finds a view claimed by the other leaves it and reads the other's result when asked."""
    from dashboard import data

    asked = kpi_changes_asked
    con, at = july_shared(db_path, monkeypatch, folder)
    [call] = [c for c in data._asked if c[1] == "kpi_changes" and c[2][0].departments]
    [outcome] = load_file(con, finance_july(fin05_completed=True), "Finance_2025-07.xlsx")
    assert outcome.status == "accepted"
    key = SharedCache(folder, 2**20).key(db.data_version(con), *call)
    con.close()
    assert key is not None and SharedCache(folder, 2**20).claim(key)  # the other process's
    asked.clear()
    app(db_path, monkeypatch, "audit")  # this process sees the change: its replay starts
    data.wait_for_replay(60)
    assert ("lekgotla-replay", "2025-07", ("Finance",)) not in asked  # left to the other
    assert any(p.name.endswith(".pkl") and p.name[:16] == key[:16] for p in folder.iterdir())
    # the other process's result, as it would write it, is what the view reads
    from metrics.kpis import kpi_changes

    other = db.connect(db_path)
    SharedCache(folder, 2**20).put(key, kpi_changes(other, *call[2]))
    other.close()
    SharedCache(folder, 2**20).release(key)
    asked.clear()
    at.run()
    assert metric_values(at)["Completion"] == "90.9%"  # 10 of 11
    assert asked == []
