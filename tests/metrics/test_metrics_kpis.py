"""KPIs of SPEC §5.1–5.8 on the hand-made history (tests/support/metrics_history.py).

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from backends import built
from metrics_history import build

from ingest.db import Connection
from metrics.filters import Filters
from metrics.kpis import kpi_changes, kpi_trend, kpis


@pytest.fixture
def fresh() -> Iterator[Connection]:
    """A history of its own, for a test that changes it."""
    db = built("metrics_history", build, lake=False)
    yield db
    db.close()


def test_every_kpi_for_finance_march(con: Connection) -> None:
    k = kpis(con, Filters("2025-03", ("Finance",)))
    assert k["scope"] == "Finance" and k["period"] == "2025-03" and k["month"] == "2025-03"
    # A = {F1, F2, F3, F5, F6} (F4 Cancelled)
    assert k["actions"] == 5
    # Completed: F1, F3 -> 2/5
    assert k["completion_rate"] == pytest.approx(0.4)
    # F1 100 + F2 50 + F3 100 + F5 0 + F6 60 = 310 / 5
    assert k["mean_progress"] == pytest.approx(62.0)
    # Completed with both dates: F1 (03-15 > due 02-28, late), F3 (02-20 <= 02-28) -> 1/2
    assert k["on_time_rate"] == pytest.approx(0.5)
    # not Completed and due before 03-31: only F6 (due 03-15); F2 due 05-31, F5 no due -> 1 of A's 5
    assert k["overdue_rate"] == pytest.approx(1 / 5)
    # slip vs baseline: F1 03-15 - 02-28 = 15; F2 03-31 - 03-31 = 0; F3 02-20 - 02-28 < 0 -> 0;
    # F5 no baseline; F6 03-31 - 03-15 = 16 -> slipped F1, F6; mean (15 + 16) / 2
    assert k["slipped_count"] == 2
    assert k["mean_slip_days"] == pytest.approx(15.5)
    # F2 due 05-31 > baseline 03-31
    assert k["rescheduled_count"] == 1
    # allocated > 0: F1 100k/90k, F2 50k/60k, F3 20k/18k, F6 30k/10k -> 178k / 200k
    assert k["budget_utilisation"] == pytest.approx(0.89)
    # 1.0*100k + 0.5*50k + 1.0*20k + 0.6*30k = 163k over spent 178k
    assert k["cost_performance_index"] == pytest.approx(163000 / 178000)
    # Completed with a review: F1 Meets, F3 Partially meets -> 1/2
    assert k["quality_pass_rate"] == pytest.approx(0.5)
    # F1 10/10 -> 1; F2 decrease 100 vs 150 -> 100/150; F3 35/40 = 0.875; F6 no actual
    assert k["target_attainment"] == pytest.approx((1 + 100 / 150 + 0.875) / 3)
    # all five checks: F1, F2, F3 (F5 fails four, F6 has no responsible) -> 3/5
    assert k["smart_compliance"] == pytest.approx(0.6)
    # objective in register: all but F5 (SO9) -> 4/5
    assert k["alignment_rate"] == pytest.approx(0.8)
    # department scope: organisation only
    assert k["objective_coverage"] is None
    # Finance reported March, on 04-04 <= deadline 04-07
    assert k["submission_rate"] == 1.0
    assert k["on_time_submission_rate"] == 1.0


def test_every_kpi_for_the_organisation_march(con: Connection) -> None:
    k = kpis(con, Filters("2025-03"))
    assert k["scope"] == "Organisation"
    # Finance 5 + Health 3 (H1, H2, H3) + Works 3 (W1, W2, W3)
    assert k["actions"] == 11
    # Completed F1, F3, H2, W1 -> 4/11
    assert k["completion_rate"] == pytest.approx(4 / 11)
    # 310 (Finance) + 35 + 100 + 0 (Health) + 100 + 75 + 0 (Works) = 620 / 11
    assert k["mean_progress"] == pytest.approx(620 / 11)
    # F1 late, F3 on time, H2 03-20 <= 03-31 on time, W1 has no completion_date -> 2/3
    assert k["on_time_rate"] == pytest.approx(2 / 3)
    # open and past due: F6 (03-15), H3 (02-28) -> 2 of A's 11
    assert k["overdue_rate"] == pytest.approx(2 / 11)
    # slipped F1 15, F6 16, H3 03-31 - 02-28 = 31 -> 3, mean 62/3
    assert k["slipped_count"] == 3
    assert k["mean_slip_days"] == pytest.approx(62 / 3)
    # F2 (05-31 > 03-31), W2 (04-30 > 03-31)
    assert k["rescheduled_count"] == 2
    # spent 178k + (H1 200k + H3 0; H2 allocated 0 is left out) + (W1 250k + W2 30k + W3 0)
    # = 658k; allocated 200k + 540k + 350k = 1090k
    assert k["budget_utilisation"] == pytest.approx(658000 / 1090000)
    # earned 163k + (0.35*500k + 0*40k = 175k) + (1.0*200k + 0.75*60k + 0 = 245k) = 583k
    assert k["cost_performance_index"] == pytest.approx(583000 / 658000)
    # reviews of Completed: F1 Meets, F3 Partially, H2 Does not meet, W1 Meets -> 2/4
    assert k["quality_pass_rate"] == pytest.approx(0.5)
    # F1 1, F2 2/3, F3 0.875, H1 0/2 = 0, H2 min(1.2, 1) = 1, H3 decrease 25 <= 30 -> 1,
    # W2 16/20 = 0.8 -> 7 actions
    assert k["target_attainment"] == pytest.approx((1 + 2 / 3 + 0.875 + 0 + 1 + 1 + 0.8) / 7)
    # Finance 3 + Health 3 + Works 2 (W3 has no success metric) -> 8/11
    assert k["smart_compliance"] == pytest.approx(8 / 11)
    # only F5 outside the register -> 10/11
    assert k["alignment_rate"] == pytest.approx(10 / 11)
    # SO1 (F1), SO2 (F3), SO3 (H1) covered; SO4 only by the Cancelled F4 -> 3/4
    assert k["objective_coverage"] == pytest.approx(0.75)
    # all three reported; Health on 04-15 after the 04-07 deadline -> 3/3 and 2/3
    assert k["submission_rate"] == 1.0
    assert k["on_time_submission_rate"] == pytest.approx(2 / 3)


def test_health_and_works_march_nulls(con: Connection) -> None:
    works = kpis(con, Filters("2025-03", ("Works",)))
    # W1 is Completed without completion_date: no action for on_time_rate -> null, not 0
    assert works["on_time_rate"] is None
    # no action slipped -> mean_slip_days null, slipped_count 0
    assert works["slipped_count"] == 0
    assert works["mean_slip_days"] is None
    health = kpis(con, Filters("2025-03", ("Health",)))
    # Health submitted March late (04-15): 1.0 and 0.0 for a single department
    assert health["submission_rate"] == 1.0
    assert health["on_time_submission_rate"] == 0.0


def test_replaced_upload_is_ignored(con: Connection) -> None:
    k = kpis(con, Filters("2025-02", ("Finance",)))
    # upload 3 only: F1 70, F2 30, F3 Completed, F4 On hold 10, F5 0, F6 20 (no F9, upload 2)
    assert k["actions"] == 6
    assert k["completion_rate"] == pytest.approx(1 / 6)
    assert k["mean_progress"] == pytest.approx(230 / 6)


def test_february_submissions_with_a_missing_department(con: Connection) -> None:
    k = kpis(con, Filters("2025-02"))
    # Finance and Works reported, Health did not -> 2/3; Finance's first version came 03-05
    # (on time; the 03-10 correction does not make it late), Works 03-02: both of the two
    # reports on time -> 2/2 (SPEC §5.8: the share of those with an accepted report)
    assert k["submission_rate"] == pytest.approx(2 / 3)
    assert k["on_time_submission_rate"] == 1.0
    health = kpis(con, Filters("2025-02", ("Health",)))
    # no report: no actions, every action KPI null, submission 0.0, and no report to be on time
    assert health["actions"] == 0
    assert health["completion_rate"] is None and health["slipped_count"] is None
    assert health["submission_rate"] == 0.0 and health["on_time_submission_rate"] is None


def test_set_of_departments_is_pooled(con: Connection) -> None:
    k = kpis(con, Filters("2025-03", ("Health", "Works")))
    assert k["scope"] == "Health, Works"
    # Completed H2, W1 of 6 actions -> 2/6 (a mean of the two departments' 1/3 would agree; use
    # mean_progress: (135 + 175) / 6, not the mean of 45 and 58.33)
    assert k["completion_rate"] == pytest.approx(2 / 6)
    assert k["mean_progress"] == pytest.approx(310 / 6)
    # overdue H3 of the 6 actions -> 1/6 (the mean of Health 1/3 and Works 0 would be 1/6 too);
    # on_time_rate pooled: H2 on time of 1 -> 1.0 (Works has none)
    assert k["overdue_rate"] == pytest.approx(1 / 6)
    assert k["on_time_rate"] == 1.0
    assert k["objective_coverage"] is None
    # Health late, Works on time -> 2/2 and 1/2
    assert k["submission_rate"] == 1.0
    assert k["on_time_submission_rate"] == pytest.approx(0.5)


def test_quarter_takes_its_last_month_with_data(fresh: Connection) -> None:
    con = fresh
    q = kpis(con, Filters("2025-Q1", ("Health",)))
    # Health has March -> the March figures (completion 1/3)
    assert q["period"] == "2025-Q1" and q["month"] == "2025-03"
    assert q["completion_rate"] == pytest.approx(1 / 3)
    con.execute("UPDATE action_status SET is_current = FALSE "
                "WHERE department = 'Health' AND period = '2025-03'")
    q = kpis(con, Filters("2025-Q1", ("Health",)))
    # now March has no data, February never had: January (H1 20, H2 50, H3 0; none Completed)
    assert q["month"] == "2025-01"
    assert q["completion_rate"] == 0.0
    assert q["mean_progress"] == pytest.approx(70 / 3)


def test_quarter_with_no_data_is_null(con: Connection) -> None:
    k = kpis(con, Filters("2024-Q4"))
    # nothing reported in Q4 2024: no actions; rates null; nobody submitted December -> 0/3
    assert k["month"] == "2024-12" and k["actions"] == 0
    assert k["completion_rate"] is None and k["objective_coverage"] is not None
    assert k["submission_rate"] == 0.0


def test_change_since_previous_period_skips_a_missing_month(con: Connection) -> None:
    changes = kpi_changes(con, Filters("2025-03", ("Health",))).set_index("kpi")
    # Health missed February: previous is January
    assert set(changes["previous_period"]) == {"2025-01"}
    # completion 1/3 now, 0/3 in January
    assert changes.loc["completion_rate", "change"] == pytest.approx(1 / 3)
    # mean progress 45 now, (20 + 50 + 0)/3 in January
    assert changes.loc["mean_progress", "change"] == pytest.approx(45 - 70 / 3)
    # on_time_rate: January had no Completed action -> previous null -> change null
    assert pd.isna(changes.loc["on_time_rate", "previous_value"])
    assert pd.isna(changes.loc["on_time_rate", "change"])
    # on time in January (02-06), late in March -> -1
    assert changes.loc["on_time_submission_rate", "change"] == pytest.approx(-1.0)


def test_a_provisional_months_change_compares_the_departments_that_reported(
        con: Connection) -> None:
    # February: Finance and Works reported, Health (which reported January) did not. The change
    # compares February with Finance's and Works' January, not with all three departments'
    changes = kpi_changes(con, Filters("2025-02")).set_index("kpi")
    # January A over Finance and Works: F1..F5, W1, W2 = 7 (10 with Health's H1..H3)
    assert changes.loc["actions", "previous_value"] == 7
    # January progress over them: (40 + 10 + 50 + 10 + 0) + (60 + 0) = 170 / 7 (all three:
    # 240 / 10 = 24.0); February: (70 + 30 + 100 + 10 + 0 + 20) + (90 + 40 + 0) = 360 / 9 = 40.0
    assert changes.loc["mean_progress", "previous_value"] == pytest.approx(170 / 7)
    assert changes.loc["mean_progress", "change"] == pytest.approx(40 - 170 / 7)
    assert changes.loc["mean_progress", "compared_over"] == ["Finance", "Works"]
    # January's objectives over them: SO1 (F1, F2, W2), SO2 (F3), SO4 (F4), SO3 (W1) -> 4 of 4
    # (worked out for those departments, not left empty as a department's scope leaves it)
    assert changes.loc["objective_coverage", "previous_value"] == pytest.approx(1.0)
    # the submission rates are about who reported: 3 of 3 in January, 2 of 3 now
    assert changes.loc["submission_rate", "previous_value"] == pytest.approx(1.0)
    assert changes.loc["submission_rate", "change"] == pytest.approx(2 / 3 - 1)
    assert changes.loc["submission_rate", "compared_over"] is None
    assert changes.loc["mean_progress", "provisional"]
    assert not changes.loc["submission_rate", "provisional"]  # over every department in scope
    # March: all three reported, Health not February (a provisional month before a complete
    # one). The change compares Finance and Works again: their March is F1..F5 and W1..W3 = 8
    # actions, progress 310 + (100 + 75 + 0) = 485 / 8 = 60.625, against February's 360 / 9 =
    # 40.0; March's own figure stays all three's, 620 / 11
    march = kpi_changes(con, Filters("2025-03")).set_index("kpi")
    assert march.loc["actions", ["value", "compared_value", "previous_value"]].tolist() == [11, 8, 9]
    assert march.loc["mean_progress", "value"] == pytest.approx(620 / 11)
    assert march.loc["mean_progress", "change"] == pytest.approx(485 / 8 - 40)
    assert march.loc["mean_progress", "compared_over"] == ["Finance", "Works"]
    assert not march["provisional"].any()


def test_a_like_for_like_change_names_who_it_leaves_out_and_never_outlives_its_figure(
        con: Connection) -> None:
    # Finance and Health in March: Health missed February, so the change compares Finance
    # alone and says Health is left out of it (no February report); objective coverage is the
    # organisation's only, so with departments chosen it has no value and no change (it read
    # a change of 0 from Finance's own coverage: the like-for-like review)
    changes = kpi_changes(con, Filters("2025-03", ("Finance", "Health"))).set_index("kpi")
    row = changes.loc["completion_rate"]
    assert (row["compared_over"], row["joined"], row["missing"]) == (["Finance"], ["Health"], [])
    assert not row["provisional"]
    coverage = changes.loc["objective_coverage"]
    assert pd.isna(coverage["value"]) and pd.isna(coverage["change"])


def test_change_for_finance_and_for_a_quarter(con: Connection) -> None:
    changes = kpi_changes(con, Filters("2025-03", ("Finance",))).set_index("kpi")
    # February: 1/6 Completed; March 2/5
    assert changes.loc["completion_rate", "previous_value"] == pytest.approx(1 / 6)
    assert changes.loc["completion_rate", "change"] == pytest.approx(0.4 - 1 / 6)
    # February rescheduled: F2 (04-30 > 03-31) -> 1; March 1 -> change 0
    assert changes.loc["rescheduled_count", "change"] == 0
    quarter = kpi_changes(con, Filters("2025-Q1")).set_index("kpi")
    # no quarter before 2025-Q1 has data
    assert quarter["previous_period"].isna().all()
    assert quarter["change"].isna().all()


def test_trend_over_a_range(con: Connection) -> None:
    trend = kpi_trend(con, Filters("2025-03", period_from="2025-01"))
    assert list(trend["period"]) == ["2025-01", "2025-02", "2025-03"]
    # January: A = F1..F5, H1..H3, W1, W2 = 10 actions; none Completed
    assert list(trend["actions"]) == [10, 9, 11]
    assert trend["completion_rate"].iloc[0] == 0.0
    # February: F3 Completed of F1-F6 + W1-W3 -> 1/9
    assert trend["completion_rate"].iloc[1] == pytest.approx(1 / 9)
    by_department = kpi_trend(con, Filters("2025-03", period_from="2025-01"), by_department=True)
    # 3 periods x (organisation + 3 departments)
    assert len(by_department) == 12
    health_feb = by_department[(by_department["department"] == "Health")
                               & (by_department["period"] == "2025-02")].iloc[0]
    assert health_feb["actions"] == 0 and health_feb["submission_rate"] == 0.0


def test_trend_by_quarter_defaults_to_first_period_with_data(con: Connection) -> None:
    trend = kpi_trend(con, Filters("2025-Q1"))
    # the first data is 2025-01, so the range is the single quarter 2025-Q1 (its March)
    assert list(trend["period"]) == ["2025-Q1"] and list(trend["month"]) == ["2025-03"]


# ---- properties -------------------------------------------------------------------------

SCOPES = [(), ("Finance",), ("Health",), ("Works",), ("Finance", "Works"),
          ("Finance", "Health", "Works")]
PERIODS = ["2025-01", "2025-02", "2025-03", "2025-Q1"]
RATES = ["completion_rate", "on_time_rate", "overdue_rate", "quality_pass_rate",
         "target_attainment", "smart_compliance", "alignment_rate", "objective_coverage",
         "submission_rate", "on_time_submission_rate"]


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("departments", SCOPES)
def test_every_rate_is_within_0_and_1(con: Connection, departments: tuple[str, ...],
                                      period: str) -> None:
    k = kpis(con, Filters(period, departments))
    for name in RATES:
        assert k[name] is None or 0.0 <= k[name] <= 1.0, name
    assert k["mean_progress"] is None or 0.0 <= k["mean_progress"] <= 100.0


@pytest.mark.parametrize("period", ["2025-01", "2025-02", "2025-03"])
def test_organisation_is_pooled_over_departments(con: Connection, period: str) -> None:
    org = kpis(con, Filters(period))
    parts = [kpis(con, Filters(period, (d,))) for d in ("Finance", "Health", "Works")]
    # |A| adds up, and so do the numerators of completion and alignment
    assert org["actions"] == sum(p["actions"] for p in parts)
    completed = sum((p["completion_rate"] or 0) * p["actions"] for p in parts)
    assert org["completion_rate"] == pytest.approx(completed / org["actions"])
    aligned = sum((p["alignment_rate"] or 0) * p["actions"] for p in parts)
    assert org["alignment_rate"] == pytest.approx(aligned / org["actions"])
    progress = sum((p["mean_progress"] or 0) * p["actions"] for p in parts)
    assert org["mean_progress"] == pytest.approx(progress / org["actions"])
    assert org["slipped_count"] == sum(p["slipped_count"] or 0 for p in parts)
    assert org["rescheduled_count"] == sum(p["rescheduled_count"] or 0 for p in parts)
    # the set of every department is the same pool (coverage is organisation-only)
    everyone = kpis(con, Filters(period, ("Finance", "Health", "Works")))
    for name in RATES + ["mean_progress", "mean_slip_days", "budget_utilisation",
                         "cost_performance_index", "slipped_count", "rescheduled_count"]:
        if name != "objective_coverage":
            assert everyone[name] == pytest.approx(org[name]) if org[name] is not None \
                else everyone[name] is None, name


def test_adding_a_cancelled_action_changes_nothing(fresh: Connection) -> None:
    con = fresh
    before = {d: kpis(con, Filters("2025-03", d)) for d in [(), ("Finance",)]}
    con.execute(
        "INSERT INTO action_status (upload_id, department, period, period_end, action_id, action, "
        "objective_id, objective_valid, budget_allocated, budget_spent, due_date, status, "
        "percent_complete, target, actual, is_current) VALUES (4, 'Finance', '2025-03', "
        "DATE '2025-03-31', 'F7', 'Build a new head office for finance', 'SO4', TRUE, 900000, "
        "1000, DATE '2025-01-31', 'Cancelled', 5, 10, 1, TRUE)")
    con.execute("INSERT INTO actions VALUES ('Finance', 'F7', 'Build', 'SO4', NULL, 900000, "
                "NULL, DATE '2025-01-31', DATE '2025-01-31', '2025-03', '2025-03')")
    for d, k in before.items():
        assert kpis(con, Filters("2025-03", d)) == k


def test_submission_rate_counts_the_registers_departments(fresh: Connection) -> None:
    con = fresh
    con.execute("INSERT INTO departments VALUES ('Legal', NULL, NULL, TRUE, now())")
    k = kpis(con, Filters("2025-03"))
    # the register now lists 4 departments; Legal never reported -> 3/4; of the 3 reports,
    # Finance and Works on time, Health late -> 2/3 (the register's size does not change it)
    assert k["submission_rate"] == pytest.approx(3 / 4)
    assert k["on_time_submission_rate"] == pytest.approx(2 / 3)
    con.execute("UPDATE departments SET in_register = FALSE")
    k = kpis(con, Filters("2025-03"))
    # a register listing no department: those that ever had an accepted report (not Legal)
    assert k["submission_rate"] == 1.0
    assert k["on_time_submission_rate"] == pytest.approx(2 / 3)
