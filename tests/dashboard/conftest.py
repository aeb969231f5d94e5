"""The dashboard through Streamlit's AppTest (tests/support/dashboard_helpers.py runs it on a copy
of the sample database): every test starts and ends with Streamlit's caches empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dashboard_helpers import clear_caches


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()
