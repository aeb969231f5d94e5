"""Shared fixtures: an in-memory database and tiny workbooks made in code."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from ingest import db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
REALDATA = ROOT.parent / "shared" / "realdata"

HEADER = ["Action ID", "Action", "Objective ID", "Responsible", "Budget allocated", "Budget spent",
          "Start date", "Due date", "Status", "Percent complete", "Completion date", "Reason code"]


@pytest.fixture
def con() -> Iterator[db.Connection]:
    connection = db.connect(":memory:")
    yield connection
    connection.close()


def xlsx(rows: list[list[Any]], sheet: str = "Actions", extra_sheets: dict[str, list[list[Any]]] | None = None,
         hidden: tuple[str, ...] = ()) -> bytes:
    """Workbook bytes whose first sheet holds `rows` from A1."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for name, more in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for r in more:
            other.append(r)
        if name in hidden:
            other.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report(actions: list[list[Any]], department: str = "Finance", period: str = "February 2025",
           header: list[str] | None = None) -> bytes:
    """A template-like report: metadata block on rows 1-2, blank row 3, header on row 4, actions from row 5."""
    return xlsx([["Department", department], ["Reporting period", period], [], header or HEADER, *actions])


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data (sample_data/) loaded once for the whole run, checkpointed and closed: a test
    copies it (`db_path`) or reads it; none writes to it."""
    from dashboard_helpers import build_sample_db

    return build_sample_db(tmp_path_factory.mktemp("sample") / "sample.duckdb")


@pytest.fixture
def db_path(sample_db: Path, tmp_path: Path) -> Path:
    """A copy of the sample database of this test's own."""
    from dashboard_helpers import copy_db

    return copy_db(sample_db, tmp_path)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (tools.browser.launch: the flags that keep it
    off the network), one per module of browser tests."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from tools.browser import launch

    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
