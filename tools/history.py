"""A large synthetic history of status reports, built in DuckDB, for benchmarks and scale tests.

`build(con, departments=100, months=60, actions=170)` fills a migrated database with what
`ingest.load` would have stored after loading every department's monthly report: the register
(20 objectives), the departments, `uploads` (one accepted report in force per department and
month, plus earlier replaced versions, rejected files and a few missing reports), `raw_files`,
`action_status` (about departments x months x actions current rows, inserted month by month as
monthly loads would), `actions` and `due_date_moves` (rebuilt as `ingest/sql/refresh_*_insert.sql`
do).

The story is seeded and deterministic: every department keeps `actions` actions in each report;
each action lives 12 months (one slot's action is replaced by a new one when it ends, staggered
across slots), starts Not started or In progress, makes progress at its own pace, may stall for
three reports (stale), be Delayed or At risk with a reason, go On hold, be Cancelled, or finish
Completed with a completion date and a quality review. Some due dates are "TBC" at first, some
move later once or twice, some action texts are too short to be Specific, some objectives are
not in the register.

Run `python -m tools.history PATH [--departments N --months N --actions N]` to write one.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from ingest import db

LIFE = 12  # months an action stays in its department's reports
FIRST_MONTH = "2021-01-01"


def _h(*parts: str, bits: int = 0, mod: int = 1) -> str:
    """SQL for a deterministic pseudo-random integer in [0, mod) from the hash of `parts`."""
    return f"(((hash({', '.join(parts)}, $seed) >> {bits}) % {mod})::INTEGER)"


# Issue 16: one action in DEPENDENT_SHARE of a slot (from the second department on) depends on
# the action in the same slot of the previous department (its generation there, as in
# bench_slots), so chains run across departments; one in INITIATIVE_SHARE serves one of
# INITIATIVES cross-department initiatives (the register's Initiatives sheet).
DEPENDENT_SHARE, INITIATIVE_SHARE, INITIATIVES = 5, 20, 10
_DEPENDS, _OFFSET, _INITIATIVE = "'depends'", "'offset'", "'initiative'"
DEPENDS_ON = (
    f"CASE WHEN d > 0 AND {_h('d', 'j', _DEPENDS, mod=DEPENDENT_SHARE)} = 0 "
    "THEN 'Department ' || lpad((d - 1)::VARCHAR, 2, '0') || ': A' || lpad(j::VARCHAR, 3, '0') "
    f"|| '-' || ((p + {_h('d - 1', 'j', _OFFSET, mod=LIFE)}) // {LIFE}) END")
INITIATIVE = (f"CASE WHEN {_h('d', 'j', _INITIATIVE, mod=INITIATIVE_SHARE)} = 0 "
              f"THEN 'INI-' || lpad(({_h('j', _INITIATIVE, mod=INITIATIVES)} + 1)::VARCHAR, "
              "2, '0') END")


def _run(con: db.Connection, query: str, params: dict[str, int]) -> None:
    # DuckDB refuses parameters a statement does not use: pass only those it names
    names = set(re.findall(r"\$([a-z]+)", query))
    con.execute(query, {k: v for k, v in params.items() if k in names})


def build(con: db.Connection, departments: int = 100, months: int = 60, actions: int = 170,
          seed: int = 2025, summary: bool = True) -> int:
    """Fill an empty, migrated database with the history; returns the action_status row count.

    `summary` fills report_summary as loading every report would have; without it, metrics read
    the action_status rows (how they ran before migration 004)."""
    p = {"d": departments, "m": months, "k": actions, "seed": seed}
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO register_versions VALUES (1, 'benchmark-register', "
                "'strategy_register.xlsx', 'benchmark', TIMESTAMP '2020-12-01 09:00', 20, $d)",
                {"d": departments})
    con.execute("INSERT INTO objectives SELECT 1, 'SO' || i, 'Strategic objective number ' || i, "
                "['Service delivery', 'Financial sustainability', 'People and culture', "
                "'Digital transformation'][i % 4 + 1], 'Department ' || lpad((i % 7)::VARCHAR, 2, '0'), "
                "'FY2025', i % 3 + 1 FROM range(1, 21) t(i)")
    con.execute("INSERT INTO initiatives SELECT 1, 'INI-' || lpad(i::VARCHAR, 2, '0'), "
                "'Cross-department initiative ' || i, 'SO' || i, "
                "'Department ' || lpad((i * 7 % $d)::VARCHAR, 2, '0'), NULL, "
                "DATE '2022-12-31' + INTERVAL (i * 3) MONTH FROM range(1, $n + 1) t(i)",
                {"d": departments, "n": INITIATIVES})
    con.execute("INSERT INTO departments SELECT 'Department ' || lpad(d::VARCHAR, 2, '0'), "
                "'Head ' || d, 'head' || d || '@lekgotla.example', TRUE, TIMESTAMP '2020-12-01 09:00' "
                "FROM range($d) t(d)", {"d": departments})
    _run(con, f"""
        CREATE TEMP TABLE bench_months AS
        SELECT p, strftime(m, '%Y-%m') AS period, CAST(m AS DATE) AS month_start,
               last_day(m) AS period_end
        FROM (SELECT p, DATE '{FIRST_MONTH}' + INTERVAL (p) MONTH AS m FROM range($m) t(p))
    """, p)
    # every (department, month): missing (1%, never the first or last month), a rejected file
    # before the accepted one (2%), an earlier accepted version replaced by a correction (3%)
    _run(con, f"""
        CREATE TEMP TABLE bench_reports AS
        SELECT d, p, 'Department ' || lpad(d::VARCHAR, 2, '0') AS department, period,
               month_start, period_end, (p * $d + d) * 3 AS base,
               p > 0 AND p < $m - 1 AND {_h('d', 'p', "'missing'", mod=100)} = 0 AS missing,
               {_h('d', 'p', "'rejected'", mod=50)} = 0 AS has_rejected,
               {_h('d', 'p', "'replaced'", mod=33)} = 0 AS has_replaced,
               -- submitted 1-14 days after the month, a few departments usually late
               period_end + CAST(1 + {_h('d', 'p', "'late'", mod=8)}
                   + CASE WHEN d % 10 = 3 THEN 5 ELSE 0 END AS INTEGER) AS submitted_on
        FROM range($d) t(d), bench_months
    """, p)
    _run(con, """
        CREATE TEMP TABLE bench_uploads AS
        SELECT base + 1 AS upload_id, *, 'rejected' AS status, FALSE AS is_current, -2 AS version
        FROM bench_reports WHERE NOT missing AND has_rejected
        UNION ALL
        SELECT base + 2, *, 'accepted', FALSE, -1 FROM bench_reports WHERE NOT missing AND has_replaced
        UNION ALL
        SELECT base + 3, *, 'accepted', TRUE, 0 FROM bench_reports WHERE NOT missing
    """, p)
    _run(con, """
        INSERT INTO uploads (upload_id, sha256, file_name, department, period, uploaded_by,
                             uploaded_at, submitted_at, status, is_current, register_version, sheet,
                             row_count, error_count, warning_count, skipped_count, messages,
                             column_map, mapping_name, replaced_upload_id)
        SELECT upload_id, sha256(department || period || version), department || '_' || period || '.xlsx',
               department, period, 'head' || d || '@lekgotla.example',
               submitted_on + INTERVAL (10 + version) HOUR, submitted_on + INTERVAL (9 + version) HOUR,
               status, is_current, 1, 'Actions',
               CASE WHEN status = 'accepted' THEN $k ELSE 0 END,
               CASE WHEN status = 'rejected' THEN 3 ELSE 0 END,
               CASE WHEN status = 'accepted' THEN (d + p) % 5 ELSE 0 END, 0,
               CASE WHEN status = 'rejected'
                    THEN '[{"severity": "error", "message": "Status Maybe is not known"}]'
                    ELSE '[]' END,
               '{}', NULL,
               CASE WHEN version = 0 AND has_replaced THEN base + 2 END
        FROM bench_uploads
        ORDER BY upload_id
    """, p)
    _run(con, """
        INSERT INTO raw_files
        SELECT sha256, 64, encode('benchmark placeholder for ' || file_name), file_name, uploaded_at
        FROM uploads WHERE status = 'accepted'
    """, p)
    # slot j of a department holds action generation g = (p + offset) // LIFE at age
    # (p + offset) % LIFE; h is that action's own hash, the source of all its traits
    _run(con, f"""
        CREATE TEMP TABLE bench_slots AS
        SELECT u.upload_id, u.d, u.p, u.department, u.period, u.month_start, u.period_end,
               u.version, j,
               (u.p + {_h('u.d', 'j', "'offset'", mod=LIFE)}) // {LIFE} AS g,
               (u.p + {_h('u.d', 'j', "'offset'", mod=LIFE)}) % {LIFE} AS age
        FROM bench_uploads u, range($k) s(j)
        WHERE u.status = 'accepted'
    """, p)
    _run(con, """
        CREATE TEMP TABLE bench_traits AS
        SELECT *, (hash(d, j, g, $seed) >> 1)::BIGINT AS h,
               CAST(month_start - INTERVAL (age) MONTH AS DATE) AS first_month
        FROM bench_slots
    """, p)
    _run(con, """
        CREATE TEMP TABLE bench_rows AS
        WITH t AS (
            SELECT *,
                   8 + ((h >> 20) % 10)::INTEGER AS pace,
                   (h >> 24) % 7 = 0 AS stalls,
                   (h >> 28) % 31 = 0 AS cancels,
                   (h >> 36) % 5 = 0 AS delays,
                   (h >> 40) % 7 = 0 AS at_risk,
                   (h >> 44) % 41 = 0 AS holds,
                   (h >> 16) % 19 = 0 AS tbc_first,
                   CAST(first_month + INTERVAL (8 + (h >> 2) % 5) MONTH - INTERVAL 1 DAY AS DATE)
                       AS planned_due
            FROM bench_traits
        ),
        progress AS (
            SELECT *,
                   -- a stalled action keeps the same progress for three reports (stale)
                   least(100, pace * CASE WHEN stalls AND age BETWEEN 3 AND 6 THEN 3 ELSE age END
                              - CASE WHEN version < 0 THEN 5 ELSE 0 END) AS raw_progress,
                   ceil(100.0 / pace)::INTEGER AS done_age
            FROM t
        )
        SELECT *,
               CASE WHEN cancels AND age >= 5 THEN 'Cancelled'
                    WHEN raw_progress >= 100 THEN 'Completed'
                    -- still open in its last report (age LIFE - 1 = 11): it leaves the plan
                    -- Cancelled, as a department must say (the plan carries over what a report
                    -- leaves out)
                    WHEN age >= 11 THEN 'Cancelled'
                    WHEN age = 0 AND (h >> 32) % 3 = 0 THEN 'Not started'
                    WHEN holds AND age >= 4 THEN 'On hold'
                    WHEN delays AND age >= 3 THEN 'Delayed'
                    WHEN at_risk AND age >= 2 THEN 'At risk'
                    ELSE 'In progress' END AS status,
               CASE WHEN tbc_first AND age < 2 THEN NULL
                    ELSE planned_due + CAST(CASE WHEN (h >> 8) % 5 = 0 AND age >= 4 THEN 30 ELSE 0 END
                                            + CASE WHEN (h >> 12) % 9 = 0 AND age >= 7 THEN 45 ELSE 0 END
                                            AS INTEGER) END AS due
        FROM progress
    """, p)
    _run(con, f"""
        INSERT INTO action_status (upload_id, department, period, period_end, action_id, action,
            objective_id, objective_valid, responsible, resources, budget_allocated, budget_spent,
            start_date, due_date, due_text, status, percent_complete, completion_date,
            success_metric, target, actual, metric_direction, quality_review, risk, risk_level,
            mitigation, reason_code, comments, extra, depends_on, initiative, sheet, source_row,
            is_current)
        SELECT upload_id, department, period, period_end,
               'A' || lpad(j::VARCHAR, 3, '0') || '-' || g,
               CASE WHEN (h >> 6) % 13 = 0 THEN ['Digitise invoices', 'Payroll audit',
                                                  'Staff survey'][(h >> 7) % 3 + 1]
                    ELSE ['Roll out', 'Review and update', 'Train staff on', 'Procure',
                          'Implement'][(h >> 9) % 5 + 1] || ' the ' ||
                         ['procurement system', 'asset register', 'wellness programme',
                          'records policy', 'fleet plan', 'client portal'][(h >> 11) % 6 + 1] ||
                         ' at ' || ['head office', 'all regional offices', 'three depots',
                                    'the call centre'][(h >> 13) % 4 + 1] END,
               CASE WHEN (h >> 52) % 43 = 0 THEN NULL ELSE 'SO' || ((h >> 4) % 22 + 1) END,
               (h >> 52) % 43 <> 0 AND (h >> 4) % 22 + 1 <= 20,
               CASE WHEN (h >> 14) % 29 = 0 THEN NULL ELSE 'Official ' || ((h >> 15) % 40) END,
               CASE WHEN (h >> 17) % 3 = 0 THEN 'Staff time and a service provider' END,
               CASE WHEN (h >> 18) % 17 = 0 THEN NULL ELSE 10000.0 * ((h >> 19) % 90 + 1) END,
               CASE WHEN (h >> 18) % 17 = 0 THEN NULL
                    ELSE round(10000.0 * ((h >> 19) % 90 + 1) * greatest(raw_progress, 0) / 100.0
                               * (0.75 + ((h >> 21) % 50) / 100.0), -2) END,
               first_month + CAST((h >> 22) % 20 AS INTEGER),
               due,
               CASE WHEN due IS NULL THEN 'TBC' ELSE strftime(due, '%d/%m/%Y') END,
               status,
               CASE WHEN status = 'Completed' THEN 100.0 WHEN (h >> 48) % 37 = 0 THEN NULL
                    ELSE greatest(raw_progress, 0)::DOUBLE END,
               CASE WHEN status = 'Completed'
                    THEN least(period_end, CAST(first_month + INTERVAL (done_age) MONTH AS DATE)
                                           + CAST((h >> 23) % 25 AS INTEGER)) END,
               CASE WHEN (h >> 25) % 9 = 0 THEN NULL ELSE 'Units delivered' END,
               CASE WHEN (h >> 25) % 9 = 0 THEN NULL ELSE 10.0 + (h >> 26) % 40 END,
               CASE WHEN (h >> 25) % 9 = 0 OR status = 'Not started' THEN NULL
                    ELSE round((10.0 + (h >> 26) % 40) * greatest(raw_progress, 0) / 100.0, 1) END,
               CASE WHEN (h >> 27) % 10 = 0 THEN 'decrease' ELSE 'increase' END,
               CASE WHEN status = 'Completed'
                    THEN ['Meets', 'Meets', 'Partially meets', 'Does not meet'][(h >> 29) % 4 + 1] END,
               CASE WHEN (h >> 30) % 3 = 0 THEN 'Service provider delays' END,
               CASE WHEN status IN ('Delayed', 'At risk') THEN 'High'
                    WHEN (h >> 30) % 3 = 0 THEN 'Medium' END,
               CASE WHEN (h >> 30) % 3 = 0 THEN 'Weekly progress meetings' END,
               CASE WHEN status IN ('Delayed', 'At risk', 'On hold') AND (h >> 31) % 6 <> 0
                    THEN ['Blocked by resources', 'Blocked by dependency', 'Postponed',
                          'Other'][(h >> 33) % 4 + 1]
                    WHEN status = 'Not started' THEN 'Not begun'
                    WHEN status = 'Cancelled' THEN 'Scope changed' END,
               ['Progress in line with plan', 'Stakeholder workshop held',
                'Draft circulated for comment', '=SUM(A1) pasted by mistake',
                'Escalated to EXCO'][(h >> 34) % 5 + 1],
               NULL, {DEPENDS_ON}, {INITIATIVE}, 'Actions', 6 + j, version = 0
        FROM bench_rows
        ORDER BY p, d, version, j
    """, p)
    # the plan carries over: an action a report leaves out is carried into it (after a commit:
    # DuckDB plans this statement over a transaction's own uncommitted rows very slowly)
    con.execute("COMMIT")
    con.execute("BEGIN TRANSACTION")
    con.execute(db.sql("refresh_carried_insert"), {"departments": [], "since": ""})
    # rows in the order monthly uploads leave them (report, then its carried rows, month by month)
    con.execute("CREATE TEMP TABLE bench_ordered AS SELECT * FROM action_status "
                "ORDER BY period, department, upload_id, carried_from_upload IS NOT NULL, source_row")
    con.execute("DELETE FROM action_status")
    con.execute("INSERT INTO action_status SELECT * FROM bench_ordered")
    con.execute("DROP TABLE bench_ordered")
    # actions: as refresh_actions_insert.sql, for every department at once
    _run(con, """
        INSERT INTO actions (department, action_id, action, objective_id, responsible,
                             budget_allocated, start_date, due_date, baseline_due_date,
                             first_period, last_period)
        WITH current_rows AS (SELECT * FROM action_status
                              WHERE is_current AND carried_from_upload IS NULL),
        latest AS (
            SELECT *, row_number() OVER (PARTITION BY department, action_id ORDER BY period DESC) AS rn
            FROM current_rows),
        baseline AS (
            SELECT department, action_id, due_date AS baseline_due_date,
                   row_number() OVER (PARTITION BY department, action_id ORDER BY period) AS rn
            FROM current_rows WHERE due_date IS NOT NULL),
        span AS (
            SELECT department, action_id, min(period) AS first_period, max(period) AS last_period
            FROM current_rows GROUP BY department, action_id)
        SELECT l.department, l.action_id, l.action, l.objective_id, l.responsible,
               l.budget_allocated, l.start_date, l.due_date, b.baseline_due_date, s.first_period,
               s.last_period
        FROM latest l
        JOIN span s ON s.department = l.department AND s.action_id = l.action_id
        LEFT JOIN baseline b ON b.department = l.department AND b.action_id = l.action_id AND b.rn = 1
        WHERE l.rn = 1
        ORDER BY l.department, l.action_id
    """, p)
    # due_date_moves: as ingest/sql/refresh_moves_insert.sql, for every department at once
    con.execute(db.sql("refresh_moves_insert"), {"departments": []})
    if summary:  # what ingest.load.make_current keeps for every department it loads
        db.refresh_summary(con)
    for name in ("bench_rows", "bench_traits", "bench_slots", "bench_uploads", "bench_reports",
                 "bench_months"):
        con.execute(f"DROP TABLE {name}")
    db.bump_data_version(con)
    con.execute("COMMIT")
    rows = con.execute("SELECT count(*) FROM action_status WHERE is_current").fetchall()[0][0]
    return int(rows)


def build_file(path: Path, departments: int = 100, months: int = 60, actions: int = 170,
               seed: int = 2025, summary: bool = True) -> int:
    """Write the history to a fresh database file (replacing one that exists)."""
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    con = db.connect(path)
    try:
        rows = build(con, departments, months, actions, seed, summary)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--actions", type=int, default=170)
    args = parser.parse_args()
    start = time.perf_counter()
    rows = build_file(args.path, args.departments, args.months, args.actions)
    print(f"{args.path}: {rows:,} current action_status rows in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
