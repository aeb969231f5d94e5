-- kpis_summary: the result of kpis.sql (same columns, same figures) from report_summary, for when
-- metrics.summary.usable says it holds the reports in force of the scope and there is no
-- objective filter. A is the summary rows less Cancelled and less statuses outside $statuses;
-- objective_coverage reads the current rows of the months asked (it needs objective ids).
-- Parameters: $months (YYYY-MM list); $departments, $statuses (empty list = all);
-- $on_time_day; $per_department (also return one row per department).
WITH months AS (
    SELECT unnest($months) AS period
),
register AS (
    SELECT max(register_version) AS version FROM register_versions
),
scope_departments AS (
    SELECT d.department
    FROM departments d
    WHERE CASE WHEN len($departments) > 0 THEN list_contains($departments, d.department)
               WHEN EXISTS (SELECT 1 FROM departments r WHERE r.in_register) THEN d.in_register
               ELSE EXISTS (SELECT 1 FROM uploads u
                            WHERE u.department = d.department AND u.status = 'accepted') END
),
sums AS (
    -- each month and department: the counts and sums of A (and every reported row)
    SELECT r.period, r.department,
           sum(r.reported_rows) AS reported_rows,
           coalesce(sum(r.reported_rows) FILTER (WHERE r.in_a), 0) AS actions,
           coalesce(sum(r.reported_rows) FILTER (WHERE r.in_a AND r.status = 'Completed'), 0) AS completed,
           sum(r.progress_sum) FILTER (WHERE r.in_a) AS progress_sum,
           coalesce(sum(r.completed_on_time) FILTER (WHERE r.in_a), 0) AS completed_on_time,
           coalesce(sum(r.completed_with_dates) FILTER (WHERE r.in_a), 0) AS completed_with_dates,
           coalesce(sum(r.overdue) FILTER (WHERE r.in_a), 0) AS overdue,
           coalesce(sum(r.slipped) FILTER (WHERE r.in_a), 0) AS slipped,
           sum(r.slip_days_sum) FILTER (WHERE r.in_a) AS slip_days_sum,
           coalesce(sum(r.rescheduled) FILTER (WHERE r.in_a), 0) AS rescheduled,
           sum(r.budget_allocated_sum) FILTER (WHERE r.in_a) AS budget_allocated_sum,
           sum(r.budget_spent_sum) FILTER (WHERE r.in_a) AS budget_spent_sum,
           sum(r.earned_value_sum) FILTER (WHERE r.in_a) AS earned_value_sum,
           coalesce(sum(r.quality_meets) FILTER (WHERE r.in_a), 0) AS quality_meets,
           coalesce(sum(r.quality_reviewed) FILTER (WHERE r.in_a), 0) AS quality_reviewed,
           sum(r.attainment_sum) FILTER (WHERE r.in_a) AS attainment_sum,
           coalesce(sum(r.attainment_count) FILTER (WHERE r.in_a), 0) AS attainment_count,
           coalesce(sum(r.smart) FILTER (WHERE r.in_a), 0) AS smart,
           coalesce(sum(r.aligned) FILTER (WHERE r.in_a), 0) AS aligned
    FROM (SELECT *,
                 status <> 'Cancelled'
                     AND (len($statuses) = 0 OR list_contains($statuses, status)) AS in_a
          FROM report_summary
          WHERE period IN (SELECT period FROM months)
            AND (len($departments) = 0 OR list_contains($departments, department))) r
    GROUP BY r.period, r.department
),
grid AS (
    SELECT period, department, bool_or(in_scope) AS in_scope
    FROM (SELECT m.period, d.department, TRUE AS in_scope
          FROM months m CROSS JOIN scope_departments d
          UNION ALL
          SELECT period, department, FALSE FROM sums)
    GROUP BY period, department
),
first_accepted AS (
    SELECT u.department, u.period,
           bool_or(u.is_current) AS submitted,
           CAST(min(coalesce(u.submitted_at, u.uploaded_at)) AS DATE) AS first_submitted_on
    FROM uploads u
    WHERE u.status = 'accepted' AND u.period IN (SELECT period FROM months)
    GROUP BY u.department, u.period
),
submissions AS (
    SELECT g.period, g.department, g.in_scope,
           coalesce(f.submitted, FALSE) AS submitted,
           f.first_submitted_on
               <= least(CAST(CAST(g.period || '-01' AS DATE) + INTERVAL 1 MONTH AS DATE)
                            + CAST($on_time_day - 1 AS INTEGER),
                        last_day(CAST(CAST(g.period || '-01' AS DATE) + INTERVAL 1 MONTH AS DATE)))
               AS on_time
    FROM grid g
    LEFT JOIN first_accepted f ON f.department = g.department AND f.period = g.period
),
register_objectives AS (
    SELECT o.objective_id
    FROM objectives o
    WHERE o.register_version = (SELECT version FROM register)
),
coverage AS (
    SELECT m.period,
           count(DISTINCT s.objective_id)
               / nullif((SELECT count(*) FROM register_objectives), 0) AS objective_coverage
    FROM months m
    LEFT JOIN action_status s
        ON s.period = m.period AND s.is_current AND s.status <> 'Cancelled'
       AND (len($statuses) = 0 OR list_contains($statuses, s.status))
       AND s.objective_id IN (SELECT objective_id FROM register_objectives)
    WHERE len($departments) = 0
    GROUP BY m.period
),
per_department AS (
    SELECT g.period, g.department, FALSE AS pooled, coalesce(s.reported_rows, 0) AS reported_rows,
           coalesce(s.actions, 0) AS actions, coalesce(s.completed, 0) AS completed,
           s.progress_sum, coalesce(s.completed_on_time, 0) AS completed_on_time,
           coalesce(s.completed_with_dates, 0) AS completed_with_dates,
           coalesce(s.overdue, 0) AS overdue, coalesce(s.slipped, 0) AS slipped, s.slip_days_sum,
           coalesce(s.rescheduled, 0) AS rescheduled, s.budget_allocated_sum, s.budget_spent_sum,
           s.earned_value_sum, coalesce(s.quality_meets, 0) AS quality_meets,
           coalesce(s.quality_reviewed, 0) AS quality_reviewed, s.attainment_sum,
           coalesce(s.attainment_count, 0) AS attainment_count, coalesce(s.smart, 0) AS smart,
           coalesce(s.aligned, 0) AS aligned
    FROM grid g
    LEFT JOIN sums s ON s.period = g.period AND s.department = g.department
),
pooled AS (
    SELECT p.period, NULL AS department, TRUE AS pooled,
           sum(p.reported_rows) AS reported_rows,
           sum(p.actions) AS actions,
           sum(p.completed) AS completed,
           sum(p.progress_sum) AS progress_sum,
           sum(p.completed_on_time) AS completed_on_time,
           sum(p.completed_with_dates) AS completed_with_dates,
           sum(p.overdue) AS overdue,
           sum(p.slipped) AS slipped,
           sum(p.slip_days_sum) AS slip_days_sum,
           sum(p.rescheduled) AS rescheduled,
           sum(p.budget_allocated_sum) AS budget_allocated_sum,
           sum(p.budget_spent_sum) AS budget_spent_sum,
           sum(p.earned_value_sum) AS earned_value_sum,
           sum(p.quality_meets) AS quality_meets,
           sum(p.quality_reviewed) AS quality_reviewed,
           sum(p.attainment_sum) AS attainment_sum,
           sum(p.attainment_count) AS attainment_count,
           sum(p.smart) AS smart,
           sum(p.aligned) AS aligned
    FROM per_department p
    GROUP BY p.period
),
totals AS (
    SELECT * FROM pooled
    UNION ALL
    SELECT * FROM per_department WHERE $per_department
),
kpis AS (
    SELECT period, department, pooled,
           CAST(reported_rows AS BIGINT) AS reported_rows, CAST(actions AS BIGINT) AS actions,
           completed / nullif(actions, 0) AS completion_rate,
           progress_sum / nullif(actions, 0) AS mean_progress,
           completed_on_time / nullif(completed_with_dates, 0) AS on_time_rate,
           overdue / nullif(actions, 0) AS overdue_rate,
           CAST(slipped AS BIGINT) AS slipped_count,
           slip_days_sum / nullif(slipped, 0) AS mean_slip_days,
           CAST(rescheduled AS BIGINT) AS rescheduled_count,
           budget_spent_sum / nullif(budget_allocated_sum, 0) AS budget_utilisation,
           earned_value_sum / nullif(budget_spent_sum, 0) AS cost_performance_index,
           quality_meets / nullif(quality_reviewed, 0) AS quality_pass_rate,
           attainment_sum / nullif(attainment_count, 0) AS target_attainment,
           smart / nullif(actions, 0) AS smart_compliance,
           aligned / nullif(actions, 0) AS alignment_rate
    FROM totals
),
submission_rates AS (
    SELECT period, NULL AS department, TRUE AS pooled,
           count(*) FILTER (WHERE in_scope) AS departments_expected,
           count(*) FILTER (WHERE in_scope AND submitted) AS departments_submitted,
           count(*) FILTER (WHERE in_scope AND on_time) AS departments_on_time
    FROM submissions
    GROUP BY period
    UNION ALL
    SELECT period, department, FALSE, 1,
           CASE WHEN submitted THEN 1 ELSE 0 END, CASE WHEN on_time THEN 1 ELSE 0 END
    FROM submissions
)
SELECT k.period, k.department, k.pooled, k.reported_rows, k.actions,
       k.completion_rate, k.mean_progress, k.on_time_rate, k.overdue_rate,
       CASE WHEN k.actions > 0 THEN k.slipped_count END AS slipped_count,
       k.mean_slip_days,
       CASE WHEN k.actions > 0 THEN k.rescheduled_count END AS rescheduled_count,
       k.budget_utilisation, k.cost_performance_index, k.quality_pass_rate, k.target_attainment,
       k.smart_compliance, k.alignment_rate,
       CASE WHEN k.pooled THEN c.objective_coverage END AS objective_coverage,
       s.departments_submitted / nullif(s.departments_expected, 0) AS submission_rate,
       s.departments_on_time / nullif(s.departments_expected, 0) AS on_time_submission_rate,
       s.departments_expected, s.departments_submitted, s.departments_on_time
FROM kpis k
JOIN submission_rates s
    ON s.period = k.period AND s.pooled = k.pooled
   AND s.department IS NOT DISTINCT FROM k.department
LEFT JOIN coverage c ON c.period = k.period
ORDER BY k.period, k.pooled DESC, k.department
