"""Reliability: uploads and reads under load, kill -9 mid-load, backups beside writes, hostile
files. Every test here is marked `reliability`."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.reliability)
