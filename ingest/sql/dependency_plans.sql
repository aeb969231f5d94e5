-- The plans in force of every department for the dependency checks (ingest.dependencies): each
-- action of the department's latest report in force (rows carried over, migration 007, included)
-- with what it depends on (migration 013). No parameters.
WITH latest AS (
    SELECT department, max(period) AS period
    FROM uploads
    WHERE status = 'accepted' AND is_current
    GROUP BY department
)
SELECT s.department, s.action_id, s.depends_on
FROM action_status s
JOIN latest l ON l.department = s.department AND l.period = s.period
WHERE s.is_current
