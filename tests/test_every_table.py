"""Issue 11/12 loose ends: every table the dashboard draws has Lekgotla's own download beside it
(SPEC §7; the tables' built-in one is off), periods in tables read as months in words, and the
Overview's caption says how to open a department on a phone too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_helpers import app, build_sample_db, clear_caches, copy_db, texts


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("every-table") / "sample.duckdb")


@pytest.fixture
def db_path(sample_db: Path, tmp_path: Path) -> Path:
    return copy_db(sample_db, tmp_path)


# ---- the Overview's caption on a phone (issue 12 point 10) -------------------------------------

def test_overview_caption_reads_right_with_cards_on_a_phone(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch)
    assert not at.exception
    said = texts(at)
    assert "Choose a row" not in said  # on a phone there is no row: the league is cards
    assert "a row, or the name on its card on a phone" in said
