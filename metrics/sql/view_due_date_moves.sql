-- view_due_date_moves: every change of due date of the actions in scope, one row per move (the
-- Slippage page). In scope: the actions reported in $month as filtered (departments, objectives,
-- statuses). Their history: their current rows of the $history months, as filtered by
-- department and objective (not status: a move is a fact about the plan). A move is a report
-- whose due date differs from the action's previous known due date (months without one are
-- skipped, so a first date after "TBC" is not a move).
-- Parameters: $month (YYYY-MM), $history (YYYY-MM list); $departments, $objectives, $statuses.
WITH in_scope AS (
    SELECT department, action_id
    FROM action_status
    WHERE is_current
      AND period = $month
      AND (len($departments) = 0 OR list_contains($departments, department))
      AND (len($objectives) = 0 OR list_contains($objectives, objective_id))
      AND (len($statuses) = 0 OR list_contains($statuses, status))
),
history AS (
    SELECT s.department, s.action_id, s.action, s.period, s.due_date, s.upload_id, s.sheet,
           s.source_row,
           lag(s.due_date) OVER (PARTITION BY s.department, s.action_id ORDER BY s.period)
               AS from_due_date
    FROM action_status s
    WHERE s.is_current
      AND s.due_date IS NOT NULL
      AND s.period IN (SELECT unnest($history))
      AND (len($departments) = 0 OR list_contains($departments, s.department))
      AND (len($objectives) = 0 OR list_contains($objectives, s.objective_id))
      AND (s.department, s.action_id) IN (SELECT department, action_id FROM in_scope)
)
SELECT h.department, h.action_id, h.action, h.period, h.from_due_date,
       h.due_date AS to_due_date,
       h.due_date - h.from_due_date AS days_moved,
       CAST(h.upload_id AS BIGINT) AS upload_id, u.file_name, h.sheet,
       CAST(h.source_row AS BIGINT) AS source_row
FROM history h
LEFT JOIN uploads u ON u.upload_id = h.upload_id
WHERE h.due_date <> h.from_due_date
ORDER BY h.department, h.action_id, h.period
