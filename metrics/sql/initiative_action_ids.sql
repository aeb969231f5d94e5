-- initiative_action_ids: the actions of one initiative in every department's plan in force for a
-- month (its latest accepted report up to $month, rows carried over included; Cancelled left
-- out), each with the month of that report: the actions the initiative's figures count
-- (initiatives.sql, through dependency_network.sql's plan in force), so that the list of them
-- and their figures, as of each department's own report, are worked out for them alone
-- (metrics.dependencies.initiative_actions).
-- Parameters: $month (YYYY-MM), $initiative.
WITH in_force AS (
    SELECT department, max(period) AS period
    FROM uploads
    WHERE status = 'accepted' AND is_current AND period <= $month
    GROUP BY department
)
SELECT DISTINCT s.period, s.department, s.action_id
FROM action_status s
JOIN in_force f ON f.department = s.department AND f.period = s.period
WHERE s.is_current AND s.initiative = $initiative AND s.status <> 'Cancelled'
ORDER BY s.period, s.department, s.action_id
