"""Fixtures every layer's tests share: an empty in-memory database, the sample data loaded once
per run and copied per test, the hand-made metrics history, headless Chromium, and the running
dashboard on the sample data.

Helpers to import live in tests/support/ (and generated data in tests/data/); pyproject's
`pythonpath` puts both on the path."""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backends import LAKE, built, empty_connection

from ingest import db

HERE = Path(__file__).parent
# started first, the longest first (--durations): with workers (pytest-xdist, a module to a worker),
# a long module does not come last while the other worker has nothing left to do; then the rest of
# these folders, then every other module in its folder's order
SLOWEST = (
    "lake/test_lake_writers.py",
    "browser/test_offline_browser.py",
    "browser/test_proxy.py",
    "lake/test_lake_upkeep.py",
    "browser/test_proxy_deploy.py",
    "browser/test_browser.py",
    "dashboard/test_exports_guarded.py",
    "reliability/test_reliability_crash.py",
    "lake/test_lake_s3.py",
    "browser/test_journeys_browser.py",
    "browser/test_phone_browser.py",
    "reliability/test_reliability_concurrency.py",
    "browser/test_login_browser.py",
    "reliability/test_hostile_reads.py",
    "lake/test_lake_schedule.py",
    "dashboard/test_dashboard.py",
    "dashboard/test_access_ui.py",
    "ingest/test_ingest_bulk.py",
    "ingest/test_realdata.py",
    "presentation/test_pack.py",
    "reliability/test_reliability_backup.py",
    "project/test_console_script.py",
    "followup/test_notify_cli.py",
    "presentation/test_pack_scale.py",
    "dashboard/test_journeys.py",
    "metrics/test_summary.py",
)
FIRST = ("reliability", "browser", "lake")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: half as many workers again as cores (3 on 2 cores). A worker waits much of its
    time on another process (the app, Chromium, a loader it forked, PostgreSQL) or on a test's own
    clock; the extra worker's tests run meanwhile."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) * 3 // 2)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        inside = item.path.relative_to(HERE).parts if item.path.is_relative_to(HERE) else ()
        if "/".join(inside) in SLOWEST:
            return SLOWEST.index("/".join(inside))
        if inside and inside[0] in FIRST:
            return len(SLOWEST) + FIRST.index(inside[0])
        return len(SLOWEST) + len(FIRST)

    items.sort(key=rank)  # stable: every module's tests stay together and in order


@pytest.fixture(autouse=True)
def _outbox_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Emails written without a mail server (the outbox folder) go to the test's own folder, not
    the project's data folder."""
    monkeypatch.setenv("LEKGOTLA_OUTBOX_DIR", str(tmp_path / "outbox"))


@pytest.fixture(autouse=LAKE)
def _backups_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the shared store, backups go to the test's own folder (by default they would go beside
    the data_path setting, in the project's data folder)."""
    monkeypatch.setenv("LEKGOTLA_BACKUP_DIR", str(tmp_path / "backups"))


@pytest.fixture
def con() -> Iterator[db.Connection]:
    """An empty database: in memory, or on the shared store (backends.LAKE) a new one."""
    connection = empty_connection()
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory, worker_id: str,
              testrun_uid: str) -> Path:
    """The sample data (sample_data/) loaded once for the whole run, checkpointed and closed: a test
    copies it (`db_path`) or reads it; none writes to it. With workers (pytest-xdist), the first to
    need it builds it in the run's shared temporary folder and the others wait for it (a file
    lock); on the shared store, each worker has a store of its own."""
    from dashboard_helpers import build_sample_db

    if LAKE or worker_id == "master":
        return build_sample_db(tmp_path_factory.mktemp("sample") / "sample.duckdb")
    # the folder above each worker's; named by the run (a --basetemp folder outlives runs)
    shared = tmp_path_factory.getbasetemp().parent
    path = shared / f"sample-{testrun_uid}.duckdb"
    with open(shared / f"sample-{testrun_uid}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = shared / f"sample-{testrun_uid}-building.duckdb"
            building.unlink(missing_ok=True)
            build_sample_db(building)
            building.rename(path)
    return path


@pytest.fixture
def db_path(sample_db: Path, tmp_path: Path) -> Path:
    """A copy of the sample database of this test's own."""
    from dashboard_helpers import copy_db

    return copy_db(sample_db, tmp_path)


@pytest.fixture
def sample_con(db_path: Path) -> Iterator[db.Connection]:
    """A connection to this test's own copy of the sample database, for a test that changes it."""
    connection = db.connect(db_path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def history() -> Iterator[db.Connection]:
    """The hand-made history (tests/support/metrics_history.py) in memory, one per module, for the
    tests that only read it (built once per process, copied)."""
    from metrics_history import build

    connection = built("metrics_history", build)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def digest_history() -> Iterator[db.Connection]:
    """The digest's hand-made history (tests/support/digest_history.py: May and June 2025) in
    memory, one per module, for the tests that only read it (built once per process, copied)."""
    from digest_history import build

    connection = built("digest_history", build)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (tools.browser.launch: the flags that keep it
    off the network), one for the whole run: each test opens a context of its own."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from tools.browser import launch

    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def sample_app(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard running (demo mode) on a copy of the sample database, one for the whole run,
    for browser tests that only read; its base URL."""
    from dashboard_helpers import copy_db

    from tools.launch import running_app

    with running_app(copy_db(sample_db, tmp_path_factory.mktemp("sample-app"))) as base:
        yield base


@pytest.fixture(scope="session", autouse=True)
def _components_scanned_once() -> Iterator[None]:
    """Each new AppTest scans every installed package's metadata for Streamlit components; the
    installed packages do not change during a run, so the first scan's answer serves them all."""
    if "streamlit.testing.v1" not in sys.modules:  # no AppTest in this run
        yield
        return
    from streamlit.components.v2 import manifest_scanner

    found = manifest_scanner.scan_component_manifests()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(manifest_scanner, "scan_component_manifests", lambda *a, **kw: list(found))
        yield
