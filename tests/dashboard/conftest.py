"""The dashboard through Streamlit's AppTest (tests/support/dashboard_helpers.py runs it on a copy
of the sample database). The cached results stay between tests, as one server's sessions keep
them: they key on the data version, which a copy shares with the sample database until it is
written, and a run under other settings forgets them (`dashboard_helpers.app`). A test that
changes the code a cached result comes from takes `changed_code`. Each test on a copy of
its own starts and ends with no connection open; the tests that only read (`reads_sample_db`,
`reads_users_db`) share one copy per worker and its connection."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backends import LAKE
from dashboard_helpers import EMAILS, HR_HEAD, clear_caches, copy_db, release_databases

import metrics
from ingest import db
from ingest.access import CLI
from ingest.users import save_user

READ_ONLY = ("reads_sample_db", "reads_users_db")


@pytest.fixture(autouse=True)
def fresh_connections(request: pytest.FixtureRequest) -> Iterator[None]:
    shared = any(name in request.fixturenames for name in READ_ONLY)
    if not shared:
        release_databases()
    yield
    if not shared:
        release_databases()


@pytest.fixture
def changed_code() -> Iterator[None]:
    """For a test that changes code a cached result comes from (`monkeypatch.setattr`): no
    result kept from before it, and none it made kept after it."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(scope="session")
def reads_sample_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data, one copy per worker for the tests that only read it (the dashboard's
    connection to it stays open between them)."""
    return copy_db(sample_db, tmp_path_factory.mktemp("reads-sample"))


@pytest.fixture(scope="session")
def reads_users_db(users_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`users_db`, one copy per worker for the tests that only read it (page views refused to a
    role are audited, which does not change the data version)."""
    return copy_db(users_db, tmp_path_factory.mktemp("reads-users"))


@pytest.fixture(scope="session")
def users_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data with one user per role, a second department head (HR) and a former user;
    a test takes a copy (its module's `db_path`)."""
    path = copy_db(sample_db, tmp_path_factory.mktemp("users"))
    con = db.connect(path)
    save_user(con, CLI, EMAILS["admin"], "admin", "Policy Office")
    save_user(con, CLI, EMAILS["leadership"], "leadership", "Chief Executive")
    save_user(con, CLI, EMAILS["me"], "me", "M&E Team")
    save_user(con, CLI, EMAILS["department_head"], "department_head", "Nomvula Dlamini",
              ("Finance",))
    save_user(con, CLI, HR_HEAD, "department_head", "Pieter van der Merwe", ("Human Resources",))
    save_user(con, CLI, "former@lekgotla.example", "leadership", "Left in May", active=False)
    if not LAKE:
        con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture
def kpi_changes_asked(monkeypatch: pytest.MonkeyPatch, changed_code: None
                      ) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each computation of `metrics.kpi_changes` the dashboard's cache makes from now on: (the
    thread's name, the period, the departments)."""
    module = importlib.import_module("metrics.kpis")  # `metrics.kpis` is the function
    asked: list[tuple[str, str, tuple[str, ...]]] = []
    real = module.kpi_changes

    def counted(con: Any, f: metrics.Filters, *args: Any, **kwargs: Any) -> Any:
        asked.append((threading.current_thread().name, f.period, f.departments))
        return real(con, f, *args, **kwargs)

    monkeypatch.setattr(module, "kpi_changes", counted)
    return asked
