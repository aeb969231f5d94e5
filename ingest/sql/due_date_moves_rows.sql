-- Every move of a due date in the reports in force of the departments $departments (every one
-- when the list is empty): one row per move. Once migration 005's macro due_date_moves_rows.
SELECT department, action_id, period, action, from_due_date, to_due_date, upload_id, sheet,
       source_row
FROM (
    SELECT s.department, s.action_id, s.period, s.action, s.due_date AS to_due_date,
           lag(s.due_date) OVER (PARTITION BY s.department, s.action_id ORDER BY s.period)
               AS from_due_date,
           s.upload_id, s.sheet, s.source_row
    FROM action_status s
    WHERE s.is_current
      AND s.due_date IS NOT NULL
      AND (len($departments::VARCHAR[]) = 0 OR list_contains($departments::VARCHAR[], s.department)))
WHERE to_due_date <> from_due_date
