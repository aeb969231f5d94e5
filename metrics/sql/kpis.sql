-- kpis: every KPI of SPEC §5.1–5.8 for each month asked, pooled over the scope (department
-- column NULL) and, when $per_department, for each department too. A (the actions of §5) is the
-- scope's current rows for the month, less Cancelled and less rows outside $objectives/$statuses.
-- reported_rows counts every current row (Cancelled and filtered ones too): "has data".
-- Parameters: $months (YYYY-MM list); $departments, $objectives, $statuses (empty list = all);
-- $on_time_day (reports accepted by this day of the following month are on time);
-- $per_department (also return one row per department); $coverage_of_scope (objective_coverage
-- over the $departments' actions too: a provisional month's like-for-like previous figures;
-- otherwise the organisation's only); the RAG thresholds action_facts.sql
-- binds ($red_slip_days, $red_schedule_variance, $amber_schedule_variance; no KPI reads the RAG).
WITH months AS (
    SELECT unnest($months) AS period
),
scope_departments AS (
    {{metrics:scope_departments}}
),
deadlines AS (
    {{metrics:report_deadlines}}
),
action_rows AS (
    SELECT s.department, s.period, s.period_end, s.action_id, s.action, s.status,
           s.percent_complete, s.objective_id, s.objective_valid, s.start_date, s.due_date,
           s.completion_date, s.budget_allocated, s.budget_spent, s.resources, s.responsible,
           s.success_metric, s.target, s.actual, s.metric_direction, s.quality_review
    FROM action_status s
    WHERE s.is_current
      AND list_contains($months, s.period)
      AND (len($departments) = 0 OR list_contains($departments, s.department))
),
reported AS (
    -- only what the KPIs read: the CTE is read three times, so it may be materialised
    SELECT department, period, period_end, action_id, status, objective_id, objective_valid,
           budget_allocated, budget_spent, progress, is_overdue, completed_on_time, slip_days,
           rescheduled, earned_value, quality_pass, attainment, smart,
           status <> 'Cancelled'
               AND (len($objectives) = 0 OR list_contains($objectives, objective_id))
               AND (len($statuses) = 0 OR list_contains($statuses, status)) AS in_a
    FROM ({{ingest:action_facts}})
),
grid AS (
    -- every (month, department) a row may come from; in_scope: counted by the submission rates
    SELECT period, department, bool_or(in_scope) AS in_scope
    FROM (SELECT period, department, TRUE AS in_scope FROM scope_departments
          UNION ALL
          SELECT DISTINCT period, department, FALSE FROM reported)
    GROUP BY period, department
),
submissions AS (
    SELECT g.period, g.department, g.in_scope,
           EXISTS (SELECT 1 FROM uploads u
                   WHERE u.department = g.department AND u.period = g.period
                     AND u.status = 'accepted' AND u.is_current) AS submitted,
           -- on time is judged by the first accepted report; a later correction does not undo it
           (SELECT CAST(min(coalesce(u.submitted_at, u.uploaded_at)) AS DATE) FROM uploads u
            WHERE u.department = g.department AND u.period = g.period
              AND u.status = 'accepted')
               <= d.deadline AS on_time
    FROM grid g
    LEFT JOIN deadlines d ON d.period = g.period
),
register_objectives AS (
    SELECT period, objective_id
    FROM ({{metrics:register_objectives}})
    WHERE len($objectives) = 0 OR list_contains($objectives, objective_id)
),
coverage AS (
    -- objective_coverage, organisation scope only (or $coverage_of_scope): the month's register
    -- objectives with an action in A
    SELECT m.period,
           count(DISTINCT u.objective_id) / nullif(any_value(n.objectives), 0) AS objective_coverage
    FROM months m
    LEFT JOIN (SELECT period, count(*) AS objectives FROM register_objectives GROUP BY period) n
        ON n.period = m.period
    LEFT JOIN (SELECT r.period, r.objective_id
               FROM reported r
               JOIN register_objectives o ON o.period = r.period AND o.objective_id = r.objective_id
               WHERE r.in_a) u
        ON u.period = m.period
    WHERE len($departments) = 0 OR $coverage_of_scope
    GROUP BY m.period
),
kpis AS (
    SELECT g.period, g.department, grouping(g.department) = 1 AS pooled,
           count(r.action_id) AS reported_rows,
           count(r.action_id) FILTER (WHERE r.in_a) AS actions,
           count(*) FILTER (WHERE r.in_a AND r.status = 'Completed')
               / nullif(count(*) FILTER (WHERE r.in_a), 0) AS completion_rate,
           avg(r.progress) FILTER (WHERE r.in_a) AS mean_progress,
           count(*) FILTER (WHERE r.in_a AND r.completed_on_time)
               / nullif(count(r.completed_on_time) FILTER (WHERE r.in_a), 0) AS on_time_rate,
           -- SPEC 5.2: the share of A (all of it) that is overdue
           count(*) FILTER (WHERE r.in_a AND r.is_overdue)
               / nullif(count(*) FILTER (WHERE r.in_a), 0)
               AS overdue_rate,
           count(*) FILTER (WHERE r.in_a AND r.slip_days > 0) AS slipped_count,
           avg(r.slip_days) FILTER (WHERE r.in_a AND r.slip_days > 0) AS mean_slip_days,
           count(*) FILTER (WHERE r.in_a AND r.rescheduled) AS rescheduled_count,
           sum(coalesce(r.budget_spent, 0)) FILTER (WHERE r.in_a AND r.budget_allocated > 0)
               / nullif(sum(r.budget_allocated) FILTER (WHERE r.in_a AND r.budget_allocated > 0), 0)
               AS budget_utilisation,
           sum(r.earned_value) FILTER (WHERE r.in_a)
               / nullif(sum(coalesce(r.budget_spent, 0))
                   FILTER (WHERE r.in_a AND r.budget_allocated > 0), 0)
               AS cost_performance_index,
           count(*) FILTER (WHERE r.in_a AND r.quality_pass)
               / nullif(count(r.quality_pass) FILTER (WHERE r.in_a), 0) AS quality_pass_rate,
           avg(r.attainment) FILTER (WHERE r.in_a) AS target_attainment,
           count(*) FILTER (WHERE r.in_a AND r.smart) / nullif(count(*) FILTER (WHERE r.in_a), 0)
               AS smart_compliance,
           count(*) FILTER (WHERE r.in_a AND r.objective_valid)
               / nullif(count(*) FILTER (WHERE r.in_a), 0) AS alignment_rate
    FROM grid g
    LEFT JOIN reported r ON r.period = g.period AND r.department = g.department
    GROUP BY GROUPING SETS ((g.period), (g.period, g.department))
),
submission_rates AS (
    -- pooled: over the scope's departments; one department: 1.0 or 0.0
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
       s.departments_on_time / nullif(s.departments_submitted, 0) AS on_time_submission_rate,
       s.departments_expected, s.departments_submitted, s.departments_on_time
FROM kpis k
JOIN submission_rates s
    ON s.period = k.period AND s.pooled = k.pooled
   AND s.department IS NOT DISTINCT FROM k.department
LEFT JOIN coverage c ON c.period = k.period
WHERE k.pooled OR $per_department
ORDER BY k.period, k.pooled DESC, k.department
