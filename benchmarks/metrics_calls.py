"""Time the metrics calls the pages make on a million action_status rows.

100 departments x 500 actions x 20 months, built in DuckDB. Each call's best of three is
printed beside a baseline measured in the same run: a bare scan of the current rows of the
month (what any query must at least read). Target: each call <= 100 ms (issue 6).

Run: python benchmarks/metrics_calls.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ingest.db import Connection, connect
from metrics import (
    Filters,
    action_figures,
    by_rag,
    department_league,
    kpi_changes,
    kpi_trend,
    kpis,
    objective_alignment,
    report_quality,
)


def build() -> Connection:
    """A synthetic history of 1,000,000 action_status rows."""
    con = connect(":memory:")
    con.execute("INSERT INTO register_versions VALUES (1, 'x', 'r.xlsx', NULL, now(), 20, 100)")
    con.execute("INSERT INTO objectives SELECT 1, 'SO' || i, 'Objective ' || i, NULL, NULL, "
                "NULL, i FROM range(1, 21) t(i)")
    con.execute("INSERT INTO departments SELECT 'Dept ' || d, NULL, NULL, TRUE, now() "
                "FROM range(100) t(d)")
    con.execute("CREATE TEMP TABLE months AS SELECT p, strftime(DATE '2023-01-01' + "
                "INTERVAL (p) MONTH, '%Y-%m') AS period, last_day(DATE '2023-01-01' + "
                "INTERVAL (p) MONTH) AS period_end FROM range(20) t(p)")
    con.execute("INSERT INTO uploads (upload_id, sha256, file_name, department, period, "
                "uploaded_at, submitted_at, status, is_current, row_count) SELECT d * 100 + p, "
                "'sha', 'f.xlsx', 'Dept ' || d, period, period_end + 5, "
                "period_end + CAST(d % 10 AS INTEGER), 'accepted', TRUE, 500 "
                "FROM range(100) t(d), months")
    con.execute(
        "INSERT INTO action_status (upload_id, department, period, period_end, action_id, "
        "action, objective_id, objective_valid, responsible, budget_allocated, budget_spent, "
        "start_date, due_date, status, percent_complete, completion_date, success_metric, "
        "target, actual, is_current, sheet, source_row) "
        "SELECT d * 100 + p, 'Dept ' || d, period, period_end, 'A' || a, "
        "'Do the thing number ' || a, 'SO' || (a % 25), a % 25 BETWEEN 1 AND 20, "
        "'Owner ' || (a % 7), 1000 * (a % 9), 900 * (a % 9) * (p / 20.0), "
        "DATE '2023-01-01' + CAST(a % 100 AS INTEGER), DATE '2023-06-01' + "
        "CAST(a % 400 + CASE WHEN p > 10 AND a % 5 = 0 THEN 30 ELSE 0 END AS INTEGER), "
        "CASE WHEN a % 11 = 0 THEN 'Cancelled' WHEN p * 5 > a % 100 + 10 THEN 'Completed' "
        "WHEN a % 4 = 0 THEN 'Delayed' ELSE 'In progress' END, least(100, p * 5), "
        "CASE WHEN p * 5 > a % 100 + 10 THEN DATE '2023-06-01' + CAST(a % 300 AS INTEGER) END, "
        "'metric', 10, a % 12, TRUE, 'Actions', a + 2 "
        "FROM range(100) t(d), months, range(500) s(a)")
    con.execute("INSERT INTO actions SELECT department, action_id, any_value(action), NULL, "
                "NULL, NULL, NULL, NULL, min(due_date), min(period), max(period) "
                "FROM action_status GROUP BY 1, 2")
    return con


def best_ms(fn: Callable[..., Any], *args: Any) -> float:
    fn(*args)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn(*args)
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


CALLS: list[tuple[str, Callable[..., Any], Filters]] = [
    ("kpis, organisation", kpis, Filters("2024-06")),
    ("kpis, department", kpis, Filters("2024-06", ("Dept 7",))),
    ("kpis, quarter", kpis, Filters("2024-Q2")),
    ("kpi_changes", kpi_changes, Filters("2024-06")),
    ("kpi_trend", kpi_trend, Filters("2024-06")),
    ("action_figures, department", action_figures, Filters("2024-06", ("Dept 7",))),
    ("by_rag, organisation", by_rag, Filters("2024-06")),
    ("objective_alignment", objective_alignment, Filters("2024-06")),
    ("department_league", department_league, Filters("2024-06")),
    ("report_quality", report_quality, Filters("2024-06")),
]


def main() -> None:
    t0 = time.perf_counter()
    con = build()
    rows = con.execute("SELECT count(*) FROM action_status").fetchall()[0][0]
    print(f"built {rows:,} action_status rows in {time.perf_counter() - t0:.1f} s")

    def baseline(c: Connection, f: Filters) -> Any:
        return c.execute("SELECT count(*), avg(percent_complete) FROM action_status "
                         "WHERE is_current AND period = $p", {"p": f.period}).fetchall()

    base = best_ms(baseline, con, Filters("2024-06"))
    print(f"{'call':32} {'ms':>8} {'x baseline':>11}  target 100 ms")
    print(f"{'baseline: scan of one month':32} {base:8.1f} {1:11.1f}")
    for name, fn, filters in CALLS:
        ms = best_ms(fn, con, filters)
        flag = "" if ms <= 100 else "  over target"
        print(f"{name:32} {ms:8.1f} {ms / base:11.1f}{flag}")


if __name__ == "__main__":
    main()
