-- Rebuild departments' actions from their current reports: the latest plan fields, and
-- baseline_due_date = the first due date reported for the action; first_period and last_period
-- are the months it was reported in (rows carried over, migration 007, are not reports of it).
-- Parameter: $ds departments (a list).
WITH current_rows AS (
    SELECT * FROM action_status
    WHERE list_contains($ds, department) AND is_current AND carried_from_upload IS NULL
),
latest AS (
    SELECT *, row_number() OVER (PARTITION BY department, action_id ORDER BY period DESC) AS rn
    FROM current_rows
),
baseline AS (
    SELECT department, action_id, due_date AS baseline_due_date,
           row_number() OVER (PARTITION BY department, action_id ORDER BY period) AS rn
    FROM current_rows
    WHERE due_date IS NOT NULL
),
span AS (
    SELECT department, action_id, min(period) AS first_period, max(period) AS last_period
    FROM current_rows
    GROUP BY department, action_id
)
INSERT INTO actions (department, action_id, action, objective_id, responsible, budget_allocated,
                     start_date, due_date, baseline_due_date, first_period, last_period)
SELECT l.department, l.action_id, l.action, l.objective_id, l.responsible, l.budget_allocated,
       l.start_date, l.due_date, b.baseline_due_date, s.first_period, s.last_period
FROM latest l
JOIN span s ON s.department = l.department AND s.action_id = l.action_id
LEFT JOIN baseline b ON b.department = l.department AND b.action_id = l.action_id AND b.rn = 1
WHERE l.rn = 1
