"""The review pack gathers every department's figures with one query each and splits them by
department (metrics/pack_parts.py): each department's part must be exactly what the metrics
functions give with that one department in the filters — its KPIs with change (`kpi_changes`),
its actions (`action_figures`), its month and its upload in force — and the slippage tables what
they give for the organisation's month, as its tiles."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from backends import built
from metrics_history import build, refresh_moves
from pandas.testing import assert_frame_equal

from ingest import db
from ingest.db import Connection
from metrics import views
from metrics.actions import action_figures
from metrics.filters import Filters, months_of
from metrics.kpis import kpi_changes, kpi_trend, months_with_data
from metrics.pack import ReviewPack, build_pack, steady
from metrics.pack_parts import natural_key

pytestmark = pytest.mark.scale


@pytest.fixture(scope="module")
def health_behind() -> Iterator[Connection]:
    """The history with Health's March report gone: in Q1 Health's last month is January while
    Finance and Works have March, and in March Health's previous month is January (February is
    missing) while the others' is February."""
    con = built("metrics_history", build, lake=False)
    con.execute("UPDATE action_status SET is_current = FALSE "
                "WHERE department = 'Health' AND period = '2025-03'")
    con.execute("UPDATE uploads SET is_current = FALSE "
                "WHERE department = 'Health' AND period = '2025-03'")
    refresh_moves(con)
    yield con
    con.close()


@pytest.fixture(scope="module")
def sample(sample_db: Path) -> Iterator[Connection]:
    """The sample data: seven departments, read from the report summary where it may."""
    con = db.connect(sample_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def pack_of() -> Callable[[Connection, Filters], ReviewPack]:
    """build_pack, each pack built once per module: two tests read the same pack of a database
    that only is read here."""
    built: dict[tuple[int, Filters], ReviewPack] = {}

    def pack(con: Connection, filters: Filters) -> ReviewPack:
        if (id(con), filters) not in built:
            built[(id(con), filters)] = build_pack(con, filters)
        return built[(id(con), filters)]

    return pack


def by_department(con: Connection, filters: Filters, department: str
                  ) -> tuple[str | None, pd.DataFrame, pd.DataFrame, dict[str, object] | None]:
    """(month, KPI changes, actions, upload) of one department, asked of the metrics functions
    with that department alone in the filters."""
    scoped = replace(filters, departments=(department,), period_from=None)
    reported = set(months_with_data(con, (department,)))
    months = [m for m in months_of(filters.period) if m in reported]
    month = months[-1] if months else None
    actions = action_figures(con, scoped)
    order = sorted(range(len(actions)), key=lambda i: natural_key(actions["action_id"].iloc[i]))
    actions = actions.iloc[order].reset_index(drop=True)
    upload = views.current_upload(con, department, month) if month else None
    changes = steady(kpi_changes(con, scoped))
    if month is None:  # no report in the period: the pack gives no count of actions (nor "-11")
        changes.loc[changes["kpi"] == "actions", ["value", "change"]] = None
    return month, changes, steady(actions), upload


def assert_parts_are_the_departments_own(con: Connection, pack: ReviewPack) -> None:
    assert [p.department for p in pack.departments] == sorted(pack.league["department"])
    for part in pack.departments:
        month, changes, actions, upload = by_department(con, pack.filters, part.department)
        assert part.month == month, part.department
        assert_frame_equal(part.changes, changes, obj=f"{part.department} KPI changes")
        assert_frame_equal(part.actions, actions, obj=f"{part.department} actions")
        assert part.upload == upload, part.department
    # the scope's trend is the pooled rows of the trend by department, as kpi_trend gives it
    f = pack.filters
    first = (months_with_data(con, f.departments) or [pack.month])[0]
    history = Filters(pack.month, f.departments, f.objectives, f.statuses,
                      period_from=min(first, pack.month))
    assert_frame_equal(pack.trend, steady(kpi_trend(con, history)), obj="trend")


CASES = [Filters("2025-Q1"), Filters("2025-03"), Filters("2025-02"),
         Filters("2025-03", objectives=("SO1", "SO2")), Filters("2025-03", statuses=("Completed",)),
         Filters("2025-03", departments=("Health", "Works"))]


@pytest.mark.parametrize("filters", CASES, ids=lambda f: f"{f.period}-{f.scope}-{f.objectives}"
                                                          f"-{f.statuses}")
def test_parts_equal_each_departments_figures(history: Connection, filters: Filters,
                                             pack_of: Callable[..., ReviewPack]) -> None:
    assert_parts_are_the_departments_own(history, pack_of(history, filters))


def test_march_parts_differ_by_department(history: Connection,
                                          pack_of: Callable[..., ReviewPack]) -> None:
    # the split must not hand one department's figures to another: by hand (metrics_history),
    # March has Finance F1-F6 (F4 Cancelled, so 5 in A) and Health, Works 3 actions each
    pack = pack_of(history, Filters("2025-03"))
    parts = {p.department: p for p in pack.departments}
    assert {d: p.action_count for d, p in parts.items()} == {"Finance": 5, "Health": 3, "Works": 3}
    assert list(parts["Finance"].actions["action_id"]) == ["F1", "F2", "F3", "F4", "F5", "F6"]
    assert set(parts["Works"].actions["department"]) == {"Works"}
    # Finance's upload in force for March is 4, Works' 10 (9 was rejected)
    assert parts["Finance"].upload is not None and parts["Finance"].upload["upload_id"] == 4
    assert parts["Works"].upload is not None and parts["Works"].upload["upload_id"] == 10


@pytest.mark.parametrize("period", ["2025-Q1", "2025-03"])
def test_departments_with_different_months(health_behind: Connection, period: str,
                                           pack_of: Callable[..., ReviewPack]) -> None:
    pack = pack_of(health_behind, Filters(period))
    assert_parts_are_the_departments_own(health_behind, pack)
    parts = {p.department: p for p in pack.departments}
    if period == "2025-Q1":
        assert [parts[d].month for d in ("Finance", "Health", "Works")] == [
            "2025-03", "2025-01", "2025-03"]
    else:  # no March report: no actions, and its previous month is January
        assert parts["Health"].month is None and parts["Health"].actions.empty
        changes = parts["Health"].changes.set_index("kpi")
        assert changes.loc["actions", "previous_period"] == "2025-01"
        finance = parts["Finance"].changes.set_index("kpi")
        assert finance.loc["actions", "previous_period"] == "2025-02"


def test_slippage_tables_are_the_organisations_month(
        health_behind: Connection, pack_of: Callable[..., ReviewPack]) -> None:
    # the tiles are March's (Finance and Works), and so are the tables, as on the Slippage page:
    # Health's January actions (its last report in Q1) are in its own part only
    pack = pack_of(health_behind, Filters("2025-Q1"))
    assert pack.month == "2025-03"
    assert_frame_equal(pack.moved, steady(views.moved_actions(health_behind, pack.filters)))
    assert_frame_equal(pack.late.drop(columns="upload_id"),
                       steady(views.late_actions(health_behind, pack.filters)))
    health = next(p for p in pack.departments if p.department == "Health")
    assert health.month == "2025-01" and len(health.actions)
    for table in (pack.slipped, pack.moved, pack.late):
        assert "Health" not in set(table["department"])
    assert len(pack.slipped) == pack.kpi("slipped_count")
    assert len(pack.moved) == pack.kpi("rescheduled_count")


@pytest.mark.parametrize("period", ["2025-Q2", "2025-06", "2025-04"])
def test_sample_data_parts_equal_each_departments_figures(sample: Connection, period: str
                                                          ) -> None:
    assert_parts_are_the_departments_own(sample, build_pack(sample, Filters(period)))

