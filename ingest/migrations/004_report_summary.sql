-- 004: a summary of the reports in force — one row per department × period × reported status —
-- so that trends over the whole history (KPIs, computed RAG, report quality) read thousands of
-- summary rows instead of every action_status row. ingest.load.make_current rebuilds the rows of
-- the periods a change of a department's report can move (report_summary_periods); metrics reads
-- the summary only where its upload_ids match the reports in force, else the rows.
-- Every figure is a count or a sum, so any set of departments, periods and statuses adds up.

-- The periods of a department whose summary rows change when its report for since_period
-- changes: that period and every later one (stale actions compare consecutive reports, and a new
-- report renumbers the later ones), and the earlier periods that hold an action with no due date
-- before since_period (its baseline_due_date, the first date ever reported, may be the new one).
CREATE MACRO report_summary_periods(for_department, since_period) AS TABLE
SELECT DISTINCT s.period
FROM action_status s
WHERE s.department = for_department AND s.is_current
  AND (s.period >= since_period
       OR NOT EXISTS (SELECT 1 FROM action_status h
                      WHERE h.department = s.department AND h.action_id = s.action_id
                        AND h.is_current AND h.period < since_period
                        AND h.due_date IS NOT NULL))
ORDER BY s.period;

-- The summary rows of the departments and periods asked (every one when a list is empty), with
-- the computed RAG under the thresholds given. Per-action formulas as metrics/sql/action_figures.sql
-- and metrics/sql/kpis.sql (SPEC §5.1–5.11); stale actions as metrics/sql/stale_actions.sql.
CREATE MACRO report_summary_rows(for_departments, for_periods, rag_red_slip_days,
                                 rag_red_schedule_variance, rag_amber_schedule_variance) AS TABLE
WITH reports AS (
    SELECT department, period,
           row_number() OVER (PARTITION BY department ORDER BY period) AS report_no
    FROM uploads
    WHERE status = 'accepted' AND is_current
      AND (len(for_departments) = 0 OR list_contains(for_departments, department))
),
needed AS (
    -- the reports asked and the two before each: the rows the stale comparison reads
    SELECT DISTINCT r.department, r.period, r.report_no
    FROM reports r
    JOIN reports a ON a.department = r.department
                  AND r.report_no BETWEEN a.report_no - 2 AND a.report_no
    WHERE len(for_periods) = 0 OR list_contains(for_periods, a.period)
),
reported AS (
    SELECT s.upload_id, s.department, s.period, s.period_end, s.status, s.percent_complete,
           s.due_date, s.completion_date, s.budget_allocated, s.budget_spent, s.target, s.actual,
           s.metric_direction, s.quality_review, s.objective_valid, a.baseline_due_date,
           r.report_no,
           CASE WHEN s.status = 'Completed' THEN 100.0 ELSE coalesce(s.percent_complete, 0) END
               AS progress,
           coalesce(s.status NOT IN ('Completed', 'Cancelled') AND s.due_date < s.period_end, FALSE)
               AS is_overdue,
           CASE WHEN a.baseline_due_date IS NULL THEN NULL
                WHEN s.status = 'Completed' AND s.completion_date IS NULL THEN NULL
                WHEN s.status = 'Completed' THEN greatest(0, s.completion_date - a.baseline_due_date)
                ELSE greatest(0, s.period_end - a.baseline_due_date) END AS slip_days,
           regexp_matches(s.action, '\S+\s+\S+\s+\S+\s+\S')
               AND coalesce(trim(s.success_metric), '') <> '' AND s.target IS NOT NULL
               AND coalesce(trim(s.responsible), '') <> ''
               AND (s.budget_allocated IS NOT NULL OR coalesce(trim(s.resources), '') <> '')
               AND s.objective_valid
               AND s.due_date IS NOT NULL AND (s.start_date IS NULL OR s.start_date <= s.due_date)
               AS smart,
           CASE WHEN s.start_date IS NULL OR s.due_date IS NULL THEN NULL
                WHEN s.due_date <= s.start_date
                    THEN CASE WHEN s.period_end >= s.due_date THEN 100.0 ELSE 0.0 END
                ELSE 100.0 * least(1.0, greatest(0.0,
                    (s.period_end - s.start_date) / (s.due_date - s.start_date)::DOUBLE)) END
               AS planned_progress,
           CASE WHEN s.start_date IS NOT NULL AND s.period_end > s.start_date
                     AND s.percent_complete > 0 AND s.percent_complete < 100
                     AND s.status NOT IN ('Completed', 'Cancelled')
                THEN s.start_date + CAST(round(
                    (s.period_end - s.start_date) * 100.0 / s.percent_complete) AS INTEGER)
                END - s.due_date AS forecast_slip_days,
           -- stale (§5.11): the same status and progress in this and the two reports before
           lag(r.report_no, 1) OVER w = r.report_no - 1 AND lag(r.report_no, 2) OVER w = r.report_no - 2
               AND lag(s.status, 1) OVER w = s.status AND lag(s.status, 2) OVER w = s.status
               AND lag(s.percent_complete, 1) OVER w IS NOT DISTINCT FROM s.percent_complete
               AND lag(s.percent_complete, 2) OVER w IS NOT DISTINCT FROM s.percent_complete
               AS unchanged
    FROM action_status s
    JOIN needed r ON r.department = s.department AND r.period = s.period
    LEFT JOIN actions a ON a.department = s.department AND a.action_id = s.action_id
    WHERE s.is_current
      AND (len(for_departments) = 0 OR list_contains(for_departments, s.department))
    WINDOW w AS (PARTITION BY s.department, s.action_id ORDER BY s.period)
),
rated AS (
    SELECT *,
           CASE WHEN status = 'Cancelled' THEN NULL
                WHEN status = 'Completed' THEN 'Complete'
                WHEN is_overdue OR slip_days > rag_red_slip_days
                     OR progress - planned_progress < rag_red_schedule_variance THEN 'Red'
                WHEN progress - planned_progress < rag_amber_schedule_variance
                     OR status IN ('At risk', 'Delayed') OR forecast_slip_days > 0 THEN 'Amber'
                ELSE 'Green' END AS rag
    FROM reported
    WHERE len(for_periods) = 0 OR list_contains(for_periods, period)
)
SELECT department, period, status,
       any_value(upload_id) AS upload_id,
       any_value(period_end) AS period_end,
       count(*) AS reported_rows,
       sum(progress) AS progress_sum,
       count(*) FILTER (WHERE status = 'Completed' AND completion_date IS NOT NULL
                        AND due_date IS NOT NULL) AS completed_with_dates,
       count(*) FILTER (WHERE status = 'Completed' AND completion_date <= due_date)
           AS completed_on_time,
       count(*) FILTER (WHERE status <> 'Completed' AND due_date < period_end) AS overdue,
       count(*) FILTER (WHERE slip_days > 0) AS slipped,
       CAST(sum(slip_days) FILTER (WHERE slip_days > 0) AS BIGINT) AS slip_days_sum,
       count(*) FILTER (WHERE due_date > baseline_due_date) AS rescheduled,
       sum(budget_allocated) FILTER (WHERE budget_allocated > 0) AS budget_allocated_sum,
       sum(coalesce(budget_spent, 0)) FILTER (WHERE budget_allocated > 0) AS budget_spent_sum,
       sum(progress / 100.0 * budget_allocated) FILTER (WHERE budget_allocated > 0)
           AS earned_value_sum,
       count(*) FILTER (WHERE status = 'Completed' AND quality_review IS NOT NULL)
           AS quality_reviewed,
       count(*) FILTER (WHERE status = 'Completed' AND lower(quality_review) = 'meets')
           AS quality_meets,
       sum(CASE WHEN metric_direction = 'decrease'
                THEN CASE WHEN actual <= target THEN 1.0 ELSE target / actual END
                ELSE greatest(0.0, least(actual / target, 1.0)) END)
           FILTER (WHERE target > 0 AND actual IS NOT NULL) AS attainment_sum,
       count(*) FILTER (WHERE target > 0 AND actual IS NOT NULL) AS attainment_count,
       count(*) FILTER (WHERE smart) AS smart,
       count(*) FILTER (WHERE objective_valid) AS aligned,
       count(*) FILTER (WHERE rag = 'Red') AS red,
       count(*) FILTER (WHERE rag = 'Amber') AS amber,
       count(*) FILTER (WHERE rag = 'Green') AS green,
       count(*) FILTER (WHERE rag = 'Complete') AS complete,
       count(*) FILTER (WHERE unchanged AND status NOT IN ('Completed', 'Cancelled'))
           AS stale_actions,
       CAST(rag_red_slip_days AS INTEGER) AS red_slip_days,
       CAST(rag_red_schedule_variance AS DOUBLE) AS red_schedule_variance,
       CAST(rag_amber_schedule_variance AS DOUBLE) AS amber_schedule_variance
FROM rated
GROUP BY department, period, status;

-- filled at once for the reports already loaded, under the thresholds saved on the Settings page
-- (else the defaults); a department's rows are rebuilt under the thresholds in force at its next load
CREATE TABLE report_summary AS
SELECT *
FROM report_summary_rows(
    [], [],
    coalesce((SELECT TRY_CAST(value AS INTEGER) FROM settings WHERE name = 'red_slip_days'), 30),
    coalesce((SELECT TRY_CAST(value AS DOUBLE) FROM settings WHERE name = 'red_schedule_variance'), -25.0),
    coalesce((SELECT TRY_CAST(value AS DOUBLE) FROM settings WHERE name = 'amber_schedule_variance'), -10.0))
ORDER BY period, department, status;
