"""The summary kept at load time (migration 004, `report_summary`) and what metrics read from it.

Whatever order reports arrive in — backfills, corrections, an older version made current again —
the summary rows ingest keeps equal a recomputation from every row, and every metrics function
gives the same figures from the summary as from the rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from backends import built, memory_database
from derived_rows import assert_kept_exact, changed_copy, kept, moves
from metrics_history import build

import metrics
from ingest import db
from ingest.access import SYSTEM
from ingest.load import load_file
from ingest.register import load_register
from ingest.sample import SAMPLE_DIR, submission_dates
from metrics import summary, views
from metrics.filters import Filters, quarter_of
from metrics.kpis import query_params


@pytest.fixture(scope="module")
def shuffled() -> Iterator[db.Connection]:
    """The sample reports loaded in a shuffled order (periods out of order), each checked."""
    con = memory_database()
    load_register(con, (SAMPLE_DIR / "strategy_register.xlsx").read_bytes(), "register.xlsx",
                  user=SYSTEM)
    submitted = submission_dates(SAMPLE_DIR / "submissions.csv")
    files = sorted(p for p in (SAMPLE_DIR / "reports").iterdir() if p.suffix in (".xlsx", ".csv"))
    random.Random(6).shuffle(files)
    for path in files:
        load_file(con, path.read_bytes(), path.name, submitted_at=submitted.get(path.name),
                  user=SYSTEM)
        assert_kept_exact(con)
    yield con
    con.close()


def test_summary_matches_the_rows_after_every_load_in_any_order(shuffled: db.Connection) -> None:
    assert summary.fresh(shuffled, ())
    assert len(kept(shuffled)) > 100


def test_summary_follows_a_correction_and_an_older_version_made_current(sample_con: db.Connection) -> None:
    con = sample_con
    original = (SAMPLE_DIR / "reports" / "Finance_2025-03.xlsx").read_bytes()
    moved_before = len(moves(con, "due_date_moves WHERE department = 'Finance'"))
    [corrected] = load_file(con, changed_copy(original), "Finance_2025-03.xlsx", user=SYSTEM)
    assert corrected.status == "accepted"
    assert_kept_exact(con)
    # every dated action of March moved 40 days: new moves in March (and April compares to them)
    assert len(moves(con, "due_date_moves WHERE department = 'Finance'")) > moved_before
    [restored] = load_file(con, original, "Finance_2025-03.xlsx", user=SYSTEM)
    assert restored.status == "restored"
    assert_kept_exact(con)
    assert summary.fresh(con, ("Finance",))


def test_hand_made_rows_are_read_directly() -> None:
    con = built("metrics_history", build, lake=False)  # rows inserted without ingest: no summary
    assert not summary.fresh(con, ())
    assert not summary.fresh(con, ("Finance",))


def _same(a: Any, b: Any) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
    else:
        assert a.keys() == b.keys()
        for key in a:
            if isinstance(b[key], (int, float)) and not isinstance(b[key], bool):
                assert a[key] == pytest.approx(b[key], rel=1e-9, nan_ok=True), key
            else:  # names, periods, None: exactly equal
                assert a[key] == b[key], key


CALLS = [
    ("kpis", metrics.kpis, {}), ("kpi_changes", metrics.kpi_changes, {}),
    ("kpi_trend", metrics.kpi_trend, {}), ("by_department", metrics.kpi_trend,
                                          {"by_department": True}),
    ("department_kpis", metrics.department_kpis, {}), ("league", metrics.department_league, {}),
    ("by_rag", metrics.by_rag, {}), ("rag_trend", views.rag_trend, {}),
    ("report_quality", metrics.report_quality, {}),
]


@pytest.mark.parametrize("name, fn, kwargs", CALLS, ids=[c[0] for c in CALLS])
def test_metrics_same_from_summary_and_rows(shuffled: db.Connection, name: str, fn: Any,
                                            kwargs: dict[str, Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # April 2025: Legal and Compliance, which reported March, did not report April (provisional)
    cases = [Filters("2025-06"), Filters("2025-04"), Filters("2025-Q2"),
             Filters("2025-04", ("Legal and Compliance",)),
             Filters("2025-06", ("Finance", "Operations")),
             Filters("2025-06", statuses=("Completed", "Delayed")),
             Filters("2025-06", period_from="2025-01"),
             Filters("2025-Q2", ("Human Resources",), period_from=quarter_of("2025-01"))]
    for filters in cases:
        from_summary = fn(shuffled, filters, **kwargs)
        with monkeypatch.context() as m:
            m.setattr(summary, "fresh", lambda *args, **kw: False)
            from_rows = fn(shuffled, filters, **kwargs)
        _same(from_summary, from_rows)


def test_periods_same_from_summary_and_rows(shuffled: db.Connection,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for departments in ((), ("Legal and Compliance",), ("Finance", "Operations")):
        from_summary = metrics.list_periods(shuffled, departments)
        monkeypatch.setattr(summary, "fresh", lambda *args, **kw: False)
        _same(from_summary, metrics.list_periods(shuffled, departments))
        monkeypatch.undo()


def test_rag_figures_use_the_rows_when_the_thresholds_changed(sample_con: db.Connection) -> None:
    con = sample_con
    f = Filters("2025-06")
    assert summary.usable(con, f, query_params(con, f), rag=True)
    db.save_setting(con, "red_slip_days", 10)
    params = query_params(con, f)
    assert not summary.usable(con, f, params, rag=True)
    assert summary.usable(con, f, params)  # the KPIs do not depend on the thresholds
    strict = metrics.by_rag(con, f).set_index("rag")["actions"]
    db.save_setting(con, "red_slip_days", 30)
    usual = metrics.by_rag(con, f).set_index("rag")["actions"]
    # Red after 10 days' slip instead of 30: more Red, as many actions
    assert strict["Red"] > usual["Red"] and strict.sum() == usual.sum()


def test_the_summary_is_rebuilt_when_its_definition_changed_and_only_then(db_path: Any) -> None:
    """A formula changed in ingest/sql needs no migration: opening the database rebuilds the kept
    rows. Simulated by spoiling one kept row and the definition's stored hash."""
    spoil = "UPDATE report_summary SET reported_rows = reported_rows + 1000 WHERE department = 'Finance'"
    con = db.connect(db_path)
    con.execute(spoil)
    con.close()
    con = db.connect(db_path)  # the same definition: the kept rows are not recomputed on open
    assert con.execute("SELECT min(reported_rows) FROM report_summary WHERE department = 'Finance'"
                       ).fetchone()[0] > 1000
    con.execute("UPDATE derived_definitions SET definition_sha256 = 'a formula before this one'")
    con.close()
    con = db.connect(db_path)  # another definition: rebuilt from the reports in force
    try:
        assert con.execute("SELECT max(reported_rows) FROM report_summary WHERE department = 'Finance'"
                           ).fetchone()[0] < 1000
        assert_kept_exact(con)
        assert db.follow_definitions(con) is False
    finally:
        con.close()
