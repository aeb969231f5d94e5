-- The actions Cancelled before $period that have left their departments' plans: each with the
-- month of the report that cancelled it, so that a dependency still naming one is said to be on
-- a Cancelled action, not an unknown one (ingest.dependencies).
-- Parameters: $period (YYYY-MM).
SELECT department, action_id, max(period) AS cancelled_in
FROM action_status
WHERE is_current AND status = 'Cancelled' AND period < $period AND carried_from_upload IS NULL
GROUP BY department, action_id
