"""The running dashboard in headless Chromium: every test here is marked `browser`. `url` is the
shared dashboard on the sample data (tests/conftest.py: `sample_app`) for tests that only read;
a module that writes, or needs other data or settings, starts its own and names it `url` too."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def url(sample_app: str) -> str:
    return sample_app
