-- kpis_summary: the result of kpis.sql (same columns, same figures) from report_summary, for when
-- metrics.summary.usable says it holds the reports in force of the scope and there is no
-- objective filter. A is the summary rows less Cancelled and less statuses outside $statuses;
-- objective_coverage reads the current rows of the months asked (it needs objective ids).
-- Parameters: $months (YYYY-MM list); $departments, $statuses (empty list = all);
-- $on_time_day; $per_department (also return one row per department).
-- Counts are summed as CAST(sum(..) AS BIGINT): DuckDB then adds in BIGINT, much faster
-- than in the HUGEINT a plain sum of BIGINT gives (same values: counts never near 2^63).
WITH months AS (
    SELECT unnest($months) AS period
),
scope_departments AS (
    {{metrics:scope_departments}}
),
deadlines AS (
    {{metrics:report_deadlines}}
),
sums AS (
    -- each month and department: the counts and sums of A (and every reported row)
    SELECT r.period, r.department,
           CAST(sum(r.reported_rows) AS BIGINT) AS reported_rows,
           coalesce(CAST(sum(r.reported_rows) FILTER (WHERE r.in_a) AS BIGINT), 0) AS actions,
           coalesce(CAST(sum(r.reported_rows) FILTER (WHERE r.in_a AND r.status = 'Completed') AS BIGINT), 0) AS completed,
           sum(r.progress_sum) FILTER (WHERE r.in_a) AS progress_sum,
           coalesce(CAST(sum(r.completed_on_time) FILTER (WHERE r.in_a) AS BIGINT), 0) AS completed_on_time,
           coalesce(CAST(sum(r.completed_with_dates) FILTER (WHERE r.in_a) AS BIGINT), 0) AS completed_with_dates,
           coalesce(CAST(sum(r.overdue) FILTER (WHERE r.in_a) AS BIGINT), 0) AS overdue,
           coalesce(CAST(sum(r.slipped) FILTER (WHERE r.in_a) AS BIGINT), 0) AS slipped,
           CAST(sum(r.slip_days_sum) FILTER (WHERE r.in_a) AS BIGINT) AS slip_days_sum,
           coalesce(CAST(sum(r.rescheduled) FILTER (WHERE r.in_a) AS BIGINT), 0) AS rescheduled,
           sum(r.budget_allocated_sum) FILTER (WHERE r.in_a) AS budget_allocated_sum,
           sum(r.budget_spent_sum) FILTER (WHERE r.in_a) AS budget_spent_sum,
           sum(r.earned_value_sum) FILTER (WHERE r.in_a) AS earned_value_sum,
           coalesce(CAST(sum(r.quality_meets) FILTER (WHERE r.in_a) AS BIGINT), 0) AS quality_meets,
           coalesce(CAST(sum(r.quality_reviewed) FILTER (WHERE r.in_a) AS BIGINT), 0) AS quality_reviewed,
           sum(r.attainment_sum) FILTER (WHERE r.in_a) AS attainment_sum,
           coalesce(CAST(sum(r.attainment_count) FILTER (WHERE r.in_a) AS BIGINT), 0) AS attainment_count,
           coalesce(CAST(sum(r.smart) FILTER (WHERE r.in_a) AS BIGINT), 0) AS smart,
           coalesce(CAST(sum(r.aligned) FILTER (WHERE r.in_a) AS BIGINT), 0) AS aligned
    FROM (SELECT *,
                 status <> 'Cancelled'
                     AND (len($statuses) = 0 OR list_contains($statuses, status)) AS in_a
          FROM report_summary
          WHERE period IN (SELECT period FROM months)
            AND (len($departments) = 0 OR list_contains($departments, department))) r
    GROUP BY r.period, r.department
),
grid AS (
    -- every (month, department) a row may come from; in_scope: counted by the submission rates
    SELECT period, department, bool_or(in_scope) AS in_scope
    FROM (SELECT period, department, TRUE AS in_scope FROM scope_departments
          UNION ALL
          SELECT period, department, FALSE FROM sums)
    GROUP BY period, department
),
first_accepted AS (
    SELECT u.department, u.period,
           bool_or(u.is_current) AS submitted,
           CAST(min(coalesce(u.submitted_at, u.uploaded_at)) AS DATE) AS first_submitted_on
    FROM uploads u
    WHERE u.status = 'accepted' AND list_contains($months, u.period)
    GROUP BY u.department, u.period
),
register_objectives AS (
    {{metrics:register_objectives}}
),
used_objectives AS (
    -- each month's distinct objective ids in A, organisation scope only (or $coverage_of_scope,
    -- as kpis.sql; read before the register filter: a few thousand pairs instead of every row)
    SELECT s.period, s.objective_id
    FROM action_status s
    WHERE s.is_current AND s.status <> 'Cancelled'
      AND s.period BETWEEN list_min($months) AND list_max($months)  -- the join keeps $months
      AND (len($statuses) = 0 OR list_contains($statuses, s.status))
      AND (len($departments) = 0 OR $coverage_of_scope AND list_contains($departments, s.department))
    GROUP BY s.period, s.objective_id
),
coverage AS (
    -- objective_coverage, organisation scope only (or $coverage_of_scope): register objectives
    -- with an action in A
    SELECT m.period,
           count(u.objective_id) / nullif(any_value(n.objectives), 0) AS objective_coverage
    FROM months m
    LEFT JOIN (SELECT period, count(*) AS objectives FROM register_objectives GROUP BY period) n
        ON n.period = m.period
    LEFT JOIN (SELECT u.period, u.objective_id
               FROM used_objectives u
               JOIN register_objectives o ON o.period = u.period AND o.objective_id = u.objective_id) u
        ON u.period = m.period
    WHERE len($departments) = 0 OR $coverage_of_scope
    GROUP BY m.period
),
per_department AS (
    -- one row per grid cell: the department's sums and whether (and when) it submitted
    SELECT g.period, g.department, g.in_scope,
           coalesce(f.submitted, FALSE) AS submitted,
           -- on time is judged by the first accepted report; a later correction does not undo it
           f.first_submitted_on <= d.deadline AS on_time,
           coalesce(s.reported_rows, 0) AS reported_rows, coalesce(s.actions, 0) AS actions,
           coalesce(s.completed, 0) AS completed, s.progress_sum,
           coalesce(s.completed_on_time, 0) AS completed_on_time,
           coalesce(s.completed_with_dates, 0) AS completed_with_dates,
           coalesce(s.overdue, 0) AS overdue, coalesce(s.slipped, 0) AS slipped, s.slip_days_sum,
           coalesce(s.rescheduled, 0) AS rescheduled, s.budget_allocated_sum, s.budget_spent_sum,
           s.earned_value_sum, coalesce(s.quality_meets, 0) AS quality_meets,
           coalesce(s.quality_reviewed, 0) AS quality_reviewed, s.attainment_sum,
           coalesce(s.attainment_count, 0) AS attainment_count, coalesce(s.smart, 0) AS smart,
           coalesce(s.aligned, 0) AS aligned
    FROM grid g
    LEFT JOIN sums s ON s.period = g.period AND s.department = g.department
    LEFT JOIN first_accepted f ON f.department = g.department AND f.period = g.period
    LEFT JOIN deadlines d ON d.period = g.period
),
totals AS (
    -- pooled over the scope's departments (each month), then each department's own row when
    -- $per_department; submission counts of one department: 1 expected, 1 or 0 submitted
    SELECT period, NULL AS department, TRUE AS pooled,
           CAST(sum(reported_rows) AS BIGINT) AS reported_rows,
           CAST(sum(actions) AS BIGINT) AS actions,
           CAST(sum(completed) AS BIGINT) AS completed,
           sum(progress_sum) AS progress_sum,
           CAST(sum(completed_on_time) AS BIGINT) AS completed_on_time,
           CAST(sum(completed_with_dates) AS BIGINT) AS completed_with_dates,
           CAST(sum(overdue) AS BIGINT) AS overdue,
           CAST(sum(slipped) AS BIGINT) AS slipped,
           CAST(sum(slip_days_sum) AS BIGINT) AS slip_days_sum,
           CAST(sum(rescheduled) AS BIGINT) AS rescheduled,
           sum(budget_allocated_sum) AS budget_allocated_sum,
           sum(budget_spent_sum) AS budget_spent_sum,
           sum(earned_value_sum) AS earned_value_sum,
           CAST(sum(quality_meets) AS BIGINT) AS quality_meets,
           CAST(sum(quality_reviewed) AS BIGINT) AS quality_reviewed,
           sum(attainment_sum) AS attainment_sum,
           CAST(sum(attainment_count) AS BIGINT) AS attainment_count,
           CAST(sum(smart) AS BIGINT) AS smart,
           CAST(sum(aligned) AS BIGINT) AS aligned,
           count(*) FILTER (WHERE in_scope) AS departments_expected,
           count(*) FILTER (WHERE in_scope AND submitted) AS departments_submitted,
           count(*) FILTER (WHERE in_scope AND on_time) AS departments_on_time
    FROM per_department
    GROUP BY period
    UNION ALL
    SELECT period, department, FALSE, reported_rows, actions, completed, progress_sum, completed_on_time, completed_with_dates, overdue, slipped, slip_days_sum, rescheduled, budget_allocated_sum, budget_spent_sum, earned_value_sum, quality_meets, quality_reviewed, attainment_sum, attainment_count, smart, aligned,
           1, CASE WHEN submitted THEN 1 ELSE 0 END, CASE WHEN on_time THEN 1 ELSE 0 END
    FROM per_department
    WHERE $per_department
)
SELECT t.period, t.department, t.pooled,
       CAST(t.reported_rows AS BIGINT) AS reported_rows, CAST(t.actions AS BIGINT) AS actions,
       t.completed / nullif(t.actions, 0) AS completion_rate,
       t.progress_sum / nullif(t.actions, 0) AS mean_progress,
       t.completed_on_time / nullif(t.completed_with_dates, 0) AS on_time_rate,
       t.overdue / nullif(t.actions, 0) AS overdue_rate,
       CASE WHEN t.actions > 0 THEN CAST(t.slipped AS BIGINT) END AS slipped_count,
       t.slip_days_sum / nullif(t.slipped, 0) AS mean_slip_days,
       CASE WHEN t.actions > 0 THEN CAST(t.rescheduled AS BIGINT) END AS rescheduled_count,
       t.budget_spent_sum / nullif(t.budget_allocated_sum, 0) AS budget_utilisation,
       t.earned_value_sum / nullif(t.budget_spent_sum, 0) AS cost_performance_index,
       t.quality_meets / nullif(t.quality_reviewed, 0) AS quality_pass_rate,
       t.attainment_sum / nullif(t.attainment_count, 0) AS target_attainment,
       t.smart / nullif(t.actions, 0) AS smart_compliance,
       t.aligned / nullif(t.actions, 0) AS alignment_rate,
       CASE WHEN t.pooled THEN c.objective_coverage END AS objective_coverage,
       t.departments_submitted / nullif(t.departments_expected, 0) AS submission_rate,
       t.departments_on_time / nullif(t.departments_submitted, 0) AS on_time_submission_rate,
       t.departments_expected, t.departments_submitted, t.departments_on_time
FROM totals t
LEFT JOIN coverage c ON c.period = t.period
ORDER BY t.period, t.pooled DESC, t.department
