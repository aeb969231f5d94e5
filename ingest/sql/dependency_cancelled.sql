-- The actions Cancelled before $period that have left their departments' plans: each with the
-- month it was cancelled, the first of the last unbroken run of reports listing it as Cancelled
-- (a report that goes on listing it as Cancelled did not cancel it again), so that a dependency
-- still naming one is said to be on a Cancelled action, not an unknown one (ingest.dependencies).
-- Parameters: $period (YYYY-MM).
WITH reported AS (
    SELECT department, action_id, period, status
    FROM action_status
    WHERE is_current AND period < $period AND carried_from_upload IS NULL
), reopened AS (
    SELECT department, action_id, max(period) AS last_open
    FROM reported
    WHERE status <> 'Cancelled'
    GROUP BY department, action_id
)
SELECT r.department, r.action_id, min(r.period) AS cancelled_in
FROM reported r
LEFT JOIN reopened o ON o.department = r.department AND o.action_id = r.action_id
WHERE r.status = 'Cancelled' AND (o.last_open IS NULL OR r.period > o.last_open)
GROUP BY r.department, r.action_id
