-- report_summary_rows: the rows of report_summary (migration 004) — one per department × period
-- × reported status, counts and sums only, so that any set of them adds up — for the departments
-- and periods asked, from their reports in force, with the per-action facts of action_facts.sql
-- and the computed RAG under the thresholds given, and the stale actions of
-- action_unchanged.sql (SPEC §5.11).
-- Parameters: $departments, $periods (empty list = all); $red_slip_days,
-- $red_schedule_variance, $amber_schedule_variance.
WITH reports AS (
    SELECT department, period,
           row_number() OVER (PARTITION BY department ORDER BY period) AS report_no
    FROM uploads
    WHERE status = 'accepted' AND is_current
      AND (len($departments) = 0 OR list_contains($departments, department))
),
needed AS (
    -- the reports asked and the two before each: the rows the stale comparison reads
    SELECT DISTINCT r.department, r.period, r.report_no
    FROM reports r
    JOIN reports a ON a.department = r.department
                  AND r.report_no BETWEEN a.report_no - 2 AND a.report_no
    WHERE len($periods) = 0 OR list_contains($periods, a.period)
),
action_rows AS (
    SELECT s.upload_id, s.department, s.period, s.period_end, s.action_id, s.action, s.status,
           s.percent_complete, s.start_date, s.due_date, s.completion_date, s.budget_allocated,
           s.budget_spent, s.resources, s.responsible, s.success_metric, s.target, s.actual,
           s.metric_direction, s.quality_review, s.objective_valid, s.carried_from_upload,
           r.report_no
    FROM action_status s
    JOIN needed r ON r.department = s.department AND r.period = s.period
    WHERE s.is_current
      AND (len($departments) = 0 OR list_contains($departments, s.department))
),
numbered_rows AS (
    {{ingest:action_facts}}
),
reported AS (
    SELECT *
    FROM ({{ingest:action_unchanged}})
    WHERE len($periods) = 0 OR list_contains($periods, period)
)
SELECT department, period, status,
       any_value(upload_id) AS upload_id,
       any_value(period_end) AS period_end,
       count(*) AS reported_rows,
       sum(progress) AS progress_sum,
       count(completed_on_time) AS completed_with_dates,
       count(*) FILTER (WHERE completed_on_time) AS completed_on_time,
       count(*) FILTER (WHERE is_overdue) AS overdue,
       count(*) FILTER (WHERE slip_days > 0) AS slipped,
       CAST(sum(slip_days) FILTER (WHERE slip_days > 0) AS BIGINT) AS slip_days_sum,
       count(*) FILTER (WHERE rescheduled) AS rescheduled,
       sum(budget_allocated) FILTER (WHERE budget_allocated > 0) AS budget_allocated_sum,
       sum(coalesce(budget_spent, 0)) FILTER (WHERE budget_allocated > 0) AS budget_spent_sum,
       sum(earned_value) AS earned_value_sum,
       count(quality_pass) AS quality_reviewed,
       count(*) FILTER (WHERE quality_pass) AS quality_meets,
       sum(attainment) AS attainment_sum,
       count(attainment) AS attainment_count,
       count(*) FILTER (WHERE smart) AS smart,
       count(*) FILTER (WHERE objective_valid) AS aligned,
       count(*) FILTER (WHERE rag = 'Red') AS red,
       count(*) FILTER (WHERE rag = 'Amber') AS amber,
       count(*) FILTER (WHERE rag = 'Green') AS green,
       count(*) FILTER (WHERE rag = 'Complete') AS complete,
       count(*) FILTER (WHERE stale) AS stale_actions,
       CAST($red_slip_days AS INTEGER) AS red_slip_days,
       CAST($red_schedule_variance AS DOUBLE) AS red_schedule_variance,
       CAST($amber_schedule_variance AS DOUBLE) AS amber_schedule_variance
FROM reported
GROUP BY department, period, status
