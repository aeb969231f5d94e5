-- initiatives: each cross-department initiative of the month asked (issue 16): those of the
-- register in force's Initiatives sheet, and any other an action names. Its actions (A) are the
-- actions of every department's plan in force (dependency_network.sql's reports_in_force) that name it,
-- Cancelled left out; its figures are the KPIs of docs/kpis.md over them:
--   completion_rate, on_time_rate, overdue_rate, budget_utilisation, slipped_count (as the KPIs);
--   forecast_finish     the latest `finish` of its actions (dependency_network.sql: completion
--                       dates, forecasts, moved by what they wait for)
--   forecast_vs_target_days  forecast_finish − target_date (positive: forecast late)
--   red, amber, green, complete  its actions by computed RAG (the department rule gives its RAG)
--   blocked             its actions with a `late` link (blocked, dependency_actions.sql)
-- Parameters: those of dependency_network.sql ($months: one month).
WITH {{metrics:dependency_network}},
register AS (
    SELECT i.*
    FROM initiatives i
    WHERE i.register_version = (SELECT max(register_version) FROM register_versions)
),
blocked AS (
    SELECT DISTINCT department, action_id FROM states WHERE late
),
members AS (
    -- its actions, with the facts of dependency_plan.sql, their finish when they have a link
    SELECT m.*, coalesce(n.finish, m.expected_finish) AS finish,
           b.action_id IS NOT NULL AS is_blocked
    FROM (
        -- every department's plan in force, not only plan_rows: those are read only in months
        -- where some action names a predecessor, and an initiative needs no dependency
        WITH action_rows AS (
            SELECT s.* REPLACE ({{metrics:period_end_in_force}} AS period_end), f.month
            FROM reports_in_force f
            JOIN action_status s ON s.department = f.department AND s.period = f.period
            WHERE s.is_current AND s.initiative IS NOT NULL AND s.status <> 'Cancelled'
        )
        {{metrics:dependency_plan}}
    ) m
    LEFT JOIN nodes n ON n.month = m.month AND n.department = m.department AND n.action_id = m.action_id
    LEFT JOIN blocked b ON b.department = m.department AND b.action_id = m.action_id
),
figures AS (
    SELECT initiative AS initiative_id,
           string_agg(DISTINCT department, '; ' ORDER BY department) AS departments_with_actions,
           count(*) AS actions,
           count(*) FILTER (WHERE status = 'Completed') / count(*) AS completion_rate,
           count(*) FILTER (WHERE completed_on_time) / nullif(count(completed_on_time), 0)
               AS on_time_rate,
           count(*) FILTER (WHERE is_overdue) / count(*) AS overdue_rate,
           sum(coalesce(budget_spent, 0)) FILTER (WHERE budget_allocated > 0)
               / nullif(sum(budget_allocated) FILTER (WHERE budget_allocated > 0), 0)
               AS budget_utilisation,
           count(*) FILTER (WHERE slip_days > 0) AS slipped_count,
           max(finish) AS forecast_finish,
           count(*) FILTER (WHERE rag = 'Red') AS red,
           count(*) FILTER (WHERE rag = 'Amber') AS amber,
           count(*) FILTER (WHERE rag = 'Green') AS green,
           count(*) FILTER (WHERE rag = 'Complete') AS complete,
           count(*) FILTER (WHERE is_blocked) AS blocked
    FROM members
    GROUP BY initiative
)
SELECT coalesce(r.initiative_id, f.initiative_id) AS initiative_id, r.name, r.objective_id,
       r.lead_department, r.member_departments, f.departments_with_actions, r.target_date,
       r.initiative_id IS NOT NULL AS in_register,
       coalesce(f.actions, 0) AS actions, f.completion_rate, f.on_time_rate, f.overdue_rate,
       f.budget_utilisation, f.slipped_count, f.forecast_finish,
       f.forecast_finish - r.target_date AS forecast_vs_target_days,
       coalesce(f.red, 0) AS red, coalesce(f.amber, 0) AS amber, coalesce(f.green, 0) AS green,
       coalesce(f.complete, 0) AS complete, coalesce(f.blocked, 0) AS blocked
FROM register r
FULL JOIN figures f ON f.initiative_id = r.initiative_id
ORDER BY 1
