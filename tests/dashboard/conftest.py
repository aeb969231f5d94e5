"""The dashboard through Streamlit's AppTest (tests/support/dashboard_helpers.py runs it on a copy
of the sample database): every test starts and ends with Streamlit's caches empty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import LAKE
from dashboard_helpers import EMAILS, HR_HEAD, clear_caches, copy_db

from ingest import db
from ingest.access import CLI
from ingest.users import save_user


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


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
