"""Breakdowns (league table, objectives, responsible, status, RAG, SMART) and data quality."""

from __future__ import annotations

import pandas as pd
import pytest
from backends import built
from metrics_history import build

from ingest.db import Connection
from metrics.breakdowns import (
    actions_without_objective,
    by_rag,
    by_responsible,
    by_status,
    department_league,
    department_rag,
    objective_alignment,
    objectives_without_action,
    smart_results,
)
from metrics.filters import Filters
from metrics.quality import report_quality, stale_actions


def test_department_league(con: Connection) -> None:
    league = department_league(con, Filters("2025-03")).set_index("department")
    # completion: Finance 2/5 = 0.4; Health, Works 1/3; tie broken by mean progress
    # (Works 58.3 > Health 45)
    assert list(league.index) == ["Finance", "Works", "Health"]
    assert list(league["rank"]) == [1, 2, 3]
    # Finance RAGs: F1, F3 Complete; F2 Amber; F5 Green; F6 Red -> red share 1/5 = 0.2 -> Amber
    assert league.loc["Finance", ["red", "amber", "green", "complete"]].tolist() == [1, 1, 1, 2]
    assert league.loc["Finance", "red_share"] == pytest.approx(0.2)
    assert league.loc["Finance", "department_rag"] == "Amber"
    # Health: H1, H3 Red of 3 -> 2/3 >= 1/4 -> Red
    assert league.loc["Health", "department_rag"] == "Red"
    # Works: W1 Complete, W2 and W3 Green -> Green
    assert league.loc["Works", "department_rag"] == "Green"
    assert league.loc["Finance", "completion_rate"] == pytest.approx(0.4)


def test_league_in_a_quarter_takes_each_departments_last_month() -> None:
    db = built("metrics_history", build, lake=False)
    db.execute("UPDATE action_status SET is_current = FALSE "
               "WHERE department = 'Health' AND period = '2025-03'")
    league = department_league(db, Filters("2025-Q1")).set_index("department")
    # Health's last month with data is January; the others have March
    assert league.loc["Health", "month"] == "2025-01"
    assert league.loc["Works", "month"] == "2025-03"
    # Health in January: H1 20% (start 2024-10-01, due 06-30: planned 122/272 = 44.9%,
    # variance -24.9 -> Amber, not Red), H2 50% (start 01-01, due 03-31: planned 30/89 = 33.7
    # -> +16 -> Green), H3 Not started 0 (due 02-28: planned 30/58 = 51.7 -> -51.7 -> Red)
    assert league.loc["Health", ["red", "amber", "green"]].tolist() == [1, 1, 1]
    db.close()


def test_department_rag_rule() -> None:
    # 1 Red of 4 = 25% -> Red; 1 of 10 = 10% -> Amber; 3 Amber of 12 = 25% off track -> Amber
    assert department_rag(1, 0, 4) == "Red"
    assert department_rag(1, 0, 10) == "Amber"
    assert department_rag(0, 3, 12) == "Amber"
    assert department_rag(0, 2, 12) == "Green"
    assert department_rag(0, 0, 0) is None


def test_objective_alignment(con: Connection) -> None:
    table = objective_alignment(con, Filters("2025-03"))
    rows = {(o if isinstance(o, str) else None, d): (n, b)
            for o, d, n, b in table[["objective_id", "department", "actions",
                                     "budget_allocated"]].itertuples(index=False)}
    # SO1: Finance F1 (100k) + F2 (50k); Works W2 (60k) + W3 (90k)
    assert rows[("SO1", "Finance")] == (2, 150000.0)
    assert rows[("SO1", "Works")] == (2, 150000.0)
    # SO2: Health H2 (0) + H3 (40k); SO3: Health H1 (500k)
    assert rows[("SO2", "Health")] == (2, 40000.0)
    assert rows[("SO3", "Health")] == (1, 500000.0)
    # F5 (SO9) has no valid objective; no budget
    assert rows[(None, "Finance")][0] == 1
    # F4 (SO4) is Cancelled: SO4 does not appear
    assert "SO4" not in set(table["objective_id"].dropna())
    assert list(objectives_without_action(con, Filters("2025-03"))["objective_id"]) == ["SO4"]
    # in January F4 (SO4) was In progress -> every objective has an action
    assert objectives_without_action(con, Filters("2025-01")).empty
    # Health alone has no action on SO1 or SO4
    assert list(objectives_without_action(con, Filters("2025-03", ("Health",)))[
        "objective_id"]) == ["SO1", "SO4"]
    assert list(actions_without_objective(con, Filters("2025-03"))["action_id"]) == ["F5"]


def test_by_responsible(con: Connection) -> None:
    table = by_responsible(con, Filters("2025-03", ("Finance",))).set_index("responsible")
    # F6 has no responsible party; F4 (Treasurer) is Cancelled and left out
    assert "Treasurer" not in table.index
    assert table.loc["(not given)", "actions"] == 1
    assert table.loc["(not given)", "overdue"] == 1 and table.loc["(not given)", "red"] == 1
    assert table.loc["CFO", "completed"] == 1 and table.loc["CFO", "slipped"] == 1


def test_by_status_and_rag(con: Connection) -> None:
    status = by_status(con, Filters("2025-03")).set_index("status")
    # 12 rows reported in March, Cancelled F4 included: Completed F1, F3, H2, W1 -> 4
    assert status["actions"].sum() == 12
    assert status.loc["Completed", "actions"] == 4
    assert status.loc["Cancelled", "actions"] == 1
    assert status.loc["Not started", "actions"] == 2  # F5, W3
    assert status.loc["Completed", "share"] == pytest.approx(4 / 12)
    rag = by_rag(con, Filters("2025-03")).set_index("rag")
    # Red F6, H1, H3; Amber F2; Green F5, W2, W3; Complete F1, F3, H2, W1 (of A = 11)
    assert rag["actions"].to_dict() == {"Red": 3, "Amber": 1, "Green": 3, "Complete": 4}
    assert rag.loc["Red", "share"] == pytest.approx(3 / 11)
    # an empty scope: no share rather than 0
    empty = by_rag(con, Filters("2025-02", ("Health",)))
    assert empty["actions"].sum() == 0 and empty["share"].isna().all()


def test_smart_results(con: Connection) -> None:
    table = smart_results(con, Filters("2025-03"), by_department=True)
    scope = table[table["department"].isna()].set_index("check")
    # Measurable fails F5 (no metric) and W3 (no metric) of 11
    assert scope.loc["Measurable", "failed"] == 2
    # Achievable fails F6 only
    assert scope.loc["Achievable", "failed"] == 1
    # all five: 8 of 11 (F5, F6, W3 fail)
    assert scope.loc["All five", "passed"] == 8
    assert scope.loc["All five", "pass_rate"] == pytest.approx(8 / 11)
    finance = table[table["department"] == "Finance"].set_index("check")
    assert finance.loc["All five", "pass_rate"] == pytest.approx(3 / 5)


def test_report_quality(con: Connection) -> None:
    table = report_quality(con, Filters("2025-Q1")).set_index(["department", "period"])
    assert len(table) == 9  # 3 departments x 3 months
    fin_mar = table.loc[("Finance", "2025-03")]
    # 04-04 <= 04-07; 2 warnings over 6 rows; 3 of 5 actions SMART; F5 stale since January
    assert fin_mar["state"] == "on time" and bool(fin_mar["on_time"]) is True
    assert fin_mar["warnings_per_row"] == pytest.approx(2 / 6)
    assert fin_mar["smart_pass_share"] == pytest.approx(0.6)
    assert fin_mar["stale_actions"] == 1
    # Finance February: two accepted versions, the first (03-05) on time, the one in force 03-10
    fin_feb = table.loc[("Finance", "2025-02")]
    assert fin_feb["versions"] == 2 and fin_feb["state"] == "on time"
    assert fin_feb["upload_id"] == 3
    assert table.loc[("Health", "2025-02"), "state"] == "missing"
    assert pd.isna(table.loc[("Health", "2025-02"), "smart_pass_share"])
    assert table.loc[("Health", "2025-03"), "state"] == "late"
    # Works January came 02-07 16:00, on the deadline day -> on time
    assert table.loc[("Works", "2025-01"), "state"] == "on time"
    # Works March: one rejected file, then an accepted one: the rejection no longer stands
    assert table.loc[("Works", "2025-03"), "rejected"] == 0
    assert table.loc[("Works", "2025-03"), "state"] == "on time"


def test_stale_actions(con: Connection) -> None:
    stale = stale_actions(con, Filters("2025-Q1"))
    # F5: Not started 0% in Jan, Feb, Mar. W3 only since February (two reports);
    # H3 Not started 0 -> On hold 0 (status changed) and Health has only two reports
    assert stale[["department", "period", "action_id"]].values.tolist() == [
        ["Finance", "2025-03", "F5"]]
    assert stale.iloc[0]["since_period"] == "2025-01"


def test_stale_actions_take_the_objective_and_status_filters_but_a_reports_count_does_not(
        con: Connection) -> None:
    # F5 (objective SO9, Not started) is the quarter's one stale action, as above
    assert stale_actions(con, Filters("2025-Q1", objectives=("SO9",)))["action_id"].tolist() == ["F5"]
    assert stale_actions(con, Filters("2025-Q1", objectives=("SO1",))).empty
    assert stale_actions(con, Filters("2025-Q1", statuses=("In progress",))).empty
    # Finance's March report still has one stale action whichever objective is chosen
    quality = report_quality(con, Filters("2025-03", ("Finance",), objectives=("SO1",)))
    assert quality["stale_actions"].tolist() == [1]


def test_a_month_with_only_a_rejected_file() -> None:
    db = built("metrics_history", build, lake=False)
    db.execute("INSERT INTO uploads (upload_id, sha256, file_name, department, period, "
               "uploaded_at, status) VALUES (99, 'bad', 'Health_2025-02.xlsx', 'Health', "
               "'2025-02', TIMESTAMP '2025-03-03 10:00:00', 'rejected')")
    table = report_quality(db, Filters("2025-02", ("Health",)))
    # Health sent February's report, but it was rejected: not 'missing'
    assert table[["state", "rejected", "versions"]].values.tolist() == [["rejected", 1, 0]]
    db.close()
