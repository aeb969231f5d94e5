"""Time the main metrics calls on a million action_status rows (quick check).

The history of tools/history.py (100 departments x 60 months x 170 actions, report_summary
filled as loading would), built in a temporary database file (as the app reads one: DuckDB
compresses a file's tables, not in-memory ones, and scans of a file are faster). Each call's best of three is printed
beside a baseline measured in the same run: a bare scan of the current rows of the month (what
any query must at least read). Target: each call <= 100 ms (issue 6). benchmarks/pages.py times
every call of every page at three sizes, and the pages themselves.

Run: python benchmarks/metrics_calls.py [--departments 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python benchmarks/metrics_calls.py`: import from the repo root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from ingest.db import Connection, connect  # noqa: E402
from metrics import (  # noqa: E402
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
from tools.history import build_file  # noqa: E402


def build(folder: Path, departments: int) -> Connection:
    """The history of tools/history.py (100 departments: 1M rows), in a database file in `folder`."""
    path = folder / "history.duckdb"
    build_file(path, departments)
    return connect(path)


def best_ms(fn: Callable[..., Any], *args: Any) -> float:
    fn(*args)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn(*args)
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


CALLS: list[tuple[str, Callable[..., Any], Filters]] = [
    ("kpis, organisation", kpis, Filters("2025-12")),
    ("kpis, department", kpis, Filters("2025-12", ("Department 07",))),
    ("kpis, quarter", kpis, Filters("2025-Q4")),
    ("kpi_changes", kpi_changes, Filters("2025-12")),
    ("kpi_trend", kpi_trend, Filters("2025-12")),
    ("action_figures, organisation", action_figures, Filters("2025-12")),
    ("action_figures, department", action_figures, Filters("2025-12", ("Department 07",))),
    ("by_rag, organisation", by_rag, Filters("2025-12")),
    ("objective_alignment", objective_alignment, Filters("2025-12")),
    ("department_league", department_league, Filters("2025-12")),
    ("report_quality, 60 months", report_quality, Filters("2025-12", period_from="2021-01")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=100,
                        help="x 60 months x 170 actions (100: 1M rows)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    folder = tempfile.TemporaryDirectory(prefix="lekgotla-calls-")
    con = build(Path(folder.name), args.departments)
    rows = con.execute("SELECT count(*) FROM action_status").fetchall()[0][0]
    print(f"built {rows:,} action_status rows in {time.perf_counter() - t0:.1f} s")

    def baseline(c: Connection, f: Filters) -> Any:
        return c.execute("SELECT count(*), avg(percent_complete) FROM action_status "
                         "WHERE is_current AND period = $p", {"p": f.period}).fetchall()

    base = best_ms(baseline, con, Filters("2025-12"))
    print(f"{'call':32} {'ms':>8} {'x baseline':>11}  target 100 ms")
    print(f"{'baseline: scan of one month':32} {base:8.1f} {1:11.1f}")
    for name, fn, filters in CALLS:
        ms = best_ms(fn, con, filters)
        flag = "" if ms <= 100 else "  over target"
        print(f"{name:32} {ms:8.1f} {ms / base:11.1f}{flag}")
    con.close()
    folder.cleanup()


if __name__ == "__main__":
    main()
