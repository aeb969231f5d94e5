"""The metrics tests: `con` is the hand-made history (tests/support/metrics_history.py), one per
module, for the tests that only read it; a test that changes it builds its own."""

from __future__ import annotations

import pytest

from ingest import db


@pytest.fixture(scope="module")
def con(history: db.Connection) -> db.Connection:
    return history
