"""Per-action figures (SPEC §5.3, §5.6, §5.9, §5.10), worked out by hand, and their agreement
with the KPIs computed by the other query."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from backends import built
from dashboard_helpers import finance_july_bad
from metrics_history import build, refresh_moves

from ingest.access import CLI
from ingest.db import Connection, save_setting
from ingest.load import load_file
from metrics.actions import action_figures, action_history, resolve_month
from metrics.filters import Filters
from metrics.kpis import kpis
from metrics.views import files_ahead


def _action(con: Connection, period: str, action_id: str) -> dict[str, Any]:
    table = action_figures(con, Filters(period))
    rows = table[table["action_id"] == action_id].to_dict("records")
    assert len(rows) == 1
    return rows[0]


def _day(value: Any) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def test_rescheduled_twice_and_behind_schedule(con: Connection) -> None:
    f2 = _action(con, "2025-03", "F2")
    # due 03-31 (Jan) -> 04-30 (Feb) -> 05-31 (Mar): moved twice, later than baseline 03-31
    assert f2["due_date_changes"] == 2
    assert bool(f2["rescheduled"]) is True
    assert _day(f2["baseline_due_date"]) == date(2025, 3, 31)
    # not Completed: max(0, period_end 03-31 - baseline 03-31) = 0
    assert f2["slip_days"] == 0
    # start 01-01, due 05-31, period_end 03-31: 89 / 150 days
    assert f2["planned_progress"] == pytest.approx(100 * 89 / 150)
    # 50 - 59.33
    assert f2["schedule_variance"] == pytest.approx(50 - 100 * 89 / 150)
    # 01-01 + 89 * 100 / 50 = 178 days -> 06-28; 06-28 - 05-31 = 28
    assert _day(f2["forecast_finish"]) == date(2025, 6, 28)
    assert f2["forecast_slip_days"] == 28
    # not overdue, slip 0, variance -9.3 (not < -10), but Delayed -> Amber
    assert f2["rag"] == "Amber"
    # February: moved once so far
    assert _action(con, "2025-02", "F2")["due_date_changes"] == 1


def test_overdue_at_risk_action_is_red(con: Connection) -> None:
    f6 = _action(con, "2025-03", "F6")
    # baseline 03-15 (first reported Feb); 03-31 - 03-15 = 16
    assert f6["slip_days"] == 16
    assert bool(f6["overdue"]) is True
    # start 01-15, due 03-15: (03-31 - 01-15 = 75) / (59) > 1 -> clamped to 100
    assert f6["planned_progress"] == pytest.approx(100.0)
    assert f6["schedule_variance"] == pytest.approx(-40.0)
    # 01-15 + 75 * 100 / 60 = 125 days -> 05-20; 05-20 - 03-15 = 66
    assert _day(f6["forecast_finish"]) == date(2025, 5, 20)
    assert f6["forecast_slip_days"] == 66
    # overdue -> Red
    assert f6["rag"] == "Red"
    # no responsible -> Achievable fails; 4 of 5
    assert f6["smart_score"] == pytest.approx(0.8)
    assert f6["failed_checks"] == "Achievable"
    assert f6["file_name"] == "Finance_2025-03.xlsx" and f6["sheet"] == "Actions"


def test_completed_actions(con: Connection) -> None:
    f1 = _action(con, "2025-03", "F1")
    # completion 03-15 - baseline 02-28 = 15 days
    assert f1["slip_days"] == 15
    assert f1["rag"] == "Complete"
    assert pd.isna(f1["forecast_finish"])
    # Completed on 02-20 before baseline 02-28 -> 0
    assert _action(con, "2025-03", "F3")["slip_days"] == 0
    # W1: Completed without completion_date -> no slip_days at all
    assert pd.isna(_action(con, "2025-03", "W1")["slip_days"])


def test_not_smart_action(con: Connection) -> None:
    f5 = _action(con, "2025-03", "F5")
    # "Digitise invoices" (2 words), no metric, SO9 not in register, Ongoing -> only Achievable
    # (Clerk + resources "Scanner") passes: 1/5
    assert f5["smart_score"] == pytest.approx(0.2)
    assert f5["failed_checks"] == "Specific, Measurable, Relevant, Time-bound"
    # no baseline, no dates: no slip, no schedule, not overdue -> Green
    assert pd.isna(f5["slip_days"]) and pd.isna(f5["planned_progress"])
    assert f5["rag"] == "Green"


def test_health_clinics_far_behind(con: Connection) -> None:
    h1 = _action(con, "2025-03", "H1")
    # start 2024-10-01, due 2025-06-30, period_end 2025-03-31: 181 / 272 days
    assert h1["planned_progress"] == pytest.approx(100 * 181 / 272)
    # 35 - 66.54 = -31.54 < -25 -> Red
    assert h1["schedule_variance"] == pytest.approx(35 - 100 * 181 / 272)
    assert h1["rag"] == "Red"
    # 2024-10-01 + round(181 * 100 / 35 = 517.1) = 517 days -> 2026-03-02; - 2025-06-30 = 245
    assert _day(h1["forecast_finish"]) == date(2026, 3, 2)
    assert h1["forecast_slip_days"] == 245
    # H3 On hold, due 02-28: overdue, 03-31 - 02-28 = 31 days -> Red
    h3 = _action(con, "2025-03", "H3")
    assert h3["slip_days"] == 31 and h3["rag"] == "Red"


def test_ahead_of_plan_and_not_yet_started(con: Connection) -> None:
    w2 = _action(con, "2025-03", "W2")
    # start 02-01, due 04-30, period_end 03-31: 58 / 88 days -> 65.91; 75 - 65.91 = +9.09
    assert w2["planned_progress"] == pytest.approx(100 * 58 / 88)
    assert w2["schedule_variance"] == pytest.approx(75 - 100 * 58 / 88)
    # 02-01 + round(58 * 100 / 75 = 77.3) = 77 days -> 04-19; 04-19 - 04-30 = -11
    assert _day(w2["forecast_finish"]) == date(2025, 4, 19)
    assert w2["forecast_slip_days"] == -11
    assert w2["rag"] == "Green"
    # due moved once (03-31 -> 04-30), later than baseline
    assert w2["due_date_changes"] == 1 and bool(w2["rescheduled"]) is True
    w3 = _action(con, "2025-03", "W3")
    # starts 04-01, after period_end: planned 0, variance 0 - 0 = 0 -> Green
    assert w3["planned_progress"] == 0.0 and w3["schedule_variance"] == 0.0
    assert w3["rag"] == "Green"


def test_cancelled_action_is_listed_without_figures(con: Connection) -> None:
    f4 = _action(con, "2025-03", "F4")
    assert f4["status"] == "Cancelled"
    assert f4["rag"] is None or pd.isna(f4["rag"])
    assert pd.isna(f4["slip_days"]) and pd.isna(f4["schedule_variance"])


def test_rag_thresholds_are_settings() -> None:
    db = built("metrics_history", build, lake=False)
    save_setting(db, "amber_schedule_variance", -2)  # Amber comes before Red
    save_setting(db, "red_schedule_variance", -5)
    # F2's variance -9.33 is now below the Red threshold -5
    f2 = action_figures(db, Filters("2025-03", ("Finance",))).set_index("action_id").loc["F2"]
    assert f2["rag"] == "Red"
    save_setting(db, "red_slip_days", 10)
    save_setting(db, "red_schedule_variance", -25)
    # F1 slipped 15 days but is Completed -> still Complete
    f1 = action_figures(db, Filters("2025-03", ("Finance",))).set_index("action_id").loc["F1"]
    assert f1["rag"] == "Complete"
    db.close()


def test_filters_and_quarters(con: Connection) -> None:
    table = action_figures(con, Filters("2025-Q1", ("Health",), statuses=("on hold",)))
    # Q1 -> March for Health; the only On hold action is H3
    assert list(table["action_id"]) == ["H3"]
    table = action_figures(con, Filters("2025-03", objectives=("SO1",)))
    # SO1: F1, F2, W2, W3
    assert sorted(table["action_id"]) == ["F1", "F2", "W2", "W3"]
    assert resolve_month(con, Filters("2025-Q1")) == "2025-03"
    # the replaced February upload's F9 never shows
    assert "F9" not in set(action_figures(con, Filters("2025-02"))["action_id"])


def test_history_of_one_department(con: Connection) -> None:
    history = action_history(con, Filters("2025-03", ("Finance",)))
    f2 = history[history["action_id"] == "F2"].sort_values("period")
    # one row a month, each with the moves counted up to it: 0, 1, 2
    assert list(f2["period"]) == ["2025-01", "2025-02", "2025-03"]
    assert list(f2["due_date_changes"]) == [0, 1, 2]
    assert set(f2["upload_id"]) == {1, 3, 4}


@pytest.mark.parametrize("period", ["2025-01", "2025-02", "2025-03"])
@pytest.mark.parametrize("departments", [(), ("Finance",), ("Works",)])
def test_kpis_agree_with_the_per_action_figures(con: Connection, period: str,
                                                departments: tuple[str, ...]) -> None:
    """The KPI query and the per-action query are separate SQL: recompute one from the other."""
    k = kpis(con, Filters(period, departments))
    a = action_figures(con, Filters(period, departments))
    a = a[a["status"] != "Cancelled"]
    done = a["status"] == "Completed"
    progress = a["percent_complete"].fillna(0).where(~done, 100.0)
    assert k["actions"] == len(a)
    assert k["completion_rate"] == pytest.approx(done.mean())
    assert k["mean_progress"] == pytest.approx(progress.mean())
    slipped = a[a["slip_days"].fillna(0) > 0]
    assert k["slipped_count"] == len(slipped)
    assert (k["mean_slip_days"] is None) == slipped.empty
    if not slipped.empty:
        assert k["mean_slip_days"] == pytest.approx(slipped["slip_days"].astype(float).mean())
    assert k["rescheduled_count"] == int(a["rescheduled"].sum())
    assert k["overdue_rate"] == pytest.approx((a["overdue"].astype(bool) & ~done).mean())
    assert k["smart_compliance"] == pytest.approx((a["smart_score"] == 1.0).mean())
    assert k["alignment_rate"] == pytest.approx(a["objective_valid"].mean())


def test_a_due_date_left_out_for_a_month_is_not_a_move() -> None:
    db = built("metrics_history", build, lake=False)
    db.execute("UPDATE action_status SET due_date = NULL, due_text = 'TBC' "
               "WHERE upload_id = 3 AND action_id = 'F2'")
    refresh_moves(db)
    f2 = action_figures(db, Filters("2025-03", ("Finance",))).set_index("action_id").loc["F2"]
    # 03-31 (Jan) -> TBC (Feb) -> 05-31 (Mar): one move
    assert f2["due_date_changes"] == 1
    db.close()


def test_an_action_without_a_progress_figure_has_no_schedule_variance() -> None:
    # SPEC §5.9: percent_complete − planned_progress; with no percent_complete there is none, so
    # the RAG is not reddened by a 0 nobody reported
    db = built("metrics_history", build, lake=False)
    db.execute("UPDATE action_status SET percent_complete = NULL, status = 'In progress' "
               "WHERE period = '2025-03' AND action_id = 'F2'")
    f2 = action_figures(db, Filters("2025-03", ("Finance",))).set_index("action_id").loc["F2"]
    # start 01-01, due 05-31, period_end 03-31: 89 / 150 days planned
    assert f2["planned_progress"] == pytest.approx(100 * 89 / 150)
    assert pd.isna(f2["schedule_variance"]) and pd.isna(f2["forecast_slip_days"])
    # not overdue (due 05-31), slip 0 (baseline 03-31), no variance, In progress -> Green
    # (a progress of 0 would give -59.3, below the Red threshold -25)
    assert f2["rag"] == "Green"
    db.close()


def test_files_ahead_are_the_files_for_a_month_after_the_last_with_figures(
        sample_con: Connection) -> None:
    # the sample runs to June 2025; a rejected July file for Finance is ahead of it, for the
    # organisation and for Finance, and not for Human Resources; June's files are not ahead
    assert files_ahead(sample_con, Filters("2025-06")).empty
    [outcome] = load_file(sample_con, finance_july_bad(), "Finance_2025-07.xlsx", user=CLI)
    assert outcome.status == "rejected"
    ahead = files_ahead(sample_con, Filters("2025-06"))
    assert ahead[["department", "period", "file_name", "status"]].astype(str).values.tolist() == [
        ["Finance", "2025-07", "Finance_2025-07.xlsx", "rejected"]]
    assert len(files_ahead(sample_con, Filters("2025-06", ("Finance",)))) == 1
    assert files_ahead(sample_con, Filters("2025-06", ("Human Resources",))).empty
