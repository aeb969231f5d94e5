"""The shared store (DuckLake, catalog in a throw-away PostgreSQL): each test makes the stores it
needs (tests/support/backends.py), whichever backend the run's other tests use. Every test here
is marked `lake`; without the lake extra they are skipped, except in CI, where they must run."""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import sys
import types
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
MISSING = importlib.util.find_spec("duckdb_ext") is None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.lake)
            if MISSING and not os.environ.get("CI"):
                item.add_marker(pytest.mark.skip(reason='the lake extra is not installed: '
                                                        'pip install -e ".[dev,lake]"'))


@pytest.fixture
def spawn(monkeypatch: pytest.MonkeyPatch) -> Any:
    """multiprocessing's spawn context, for tests that start processes of their own. A spawned
    process re-runs the parent's __main__, which an AppTest run earlier in this worker leaves as
    dashboard/app.py: an empty one instead."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    return multiprocessing.get_context("spawn")
