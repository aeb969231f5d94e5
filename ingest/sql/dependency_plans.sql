-- The plans in force of every department for the dependency checks (ingest.dependencies) of a
-- report for $period: each action of the department's latest report in force up to that month
-- (rows carried over, migration 007, included: the plans dependency_network.sql reads for the
-- month), its status, and what it depends on (migration 013).
-- Parameters: $period (YYYY-MM).
WITH latest AS (
    SELECT department, max(period) AS period
    FROM uploads
    WHERE status = 'accepted' AND is_current AND period <= $period
    GROUP BY department
)
SELECT s.department, s.action_id, s.status, s.depends_on
FROM action_status s
JOIN latest l ON l.department = s.department AND l.period = s.period
WHERE s.is_current
