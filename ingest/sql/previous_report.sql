-- The report a new one is compared against: the department's current report for the same
-- period if there is one, else its latest earlier period. Parameters: $d department, $p period.
WITH target AS (
    SELECT period FROM uploads
    WHERE department = $d AND is_current AND period <= $p
    ORDER BY period DESC
    LIMIT 1
)
SELECT action_id, action, status, percent_complete, due_date, completion_date
FROM action_status
WHERE department = $d AND is_current AND period = (SELECT period FROM target)
