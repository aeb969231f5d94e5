-- view_due_date_moves: every change of due date of the actions in scope up to $month, one row
-- per move (the Slippage page). In scope: the actions reported in $month as filtered
-- (departments, objectives, statuses). Their moves are those of all their reports in force
-- (migration 005's due_date_moves, whatever the status or objective then: a move is a fact
-- about the plan): a report whose due date differs from the action's previous known due date
-- (months without one are skipped, so a first date after "TBC" is not a move).
-- Parameters: $month (YYYY-MM); $departments, $objectives, $statuses.
WITH in_scope AS (
    SELECT department, action_id
    FROM action_status
    WHERE is_current
      AND period = $month
      AND (len($departments) = 0 OR list_contains($departments, department))
      AND (len($objectives) = 0 OR list_contains($objectives, objective_id))
      AND (len($statuses) = 0 OR list_contains($statuses, status))
)
SELECT m.department, m.action_id, m.action, m.period, m.from_due_date, m.to_due_date,
       m.to_due_date - m.from_due_date AS days_moved,
       CAST(m.upload_id AS BIGINT) AS upload_id, u.file_name, m.sheet,
       CAST(m.source_row AS BIGINT) AS source_row
FROM due_date_moves m
JOIN in_scope i ON i.department = m.department AND i.action_id = m.action_id
LEFT JOIN uploads u ON u.upload_id = m.upload_id
WHERE m.period <= $month
ORDER BY m.department, m.action_id, m.period
