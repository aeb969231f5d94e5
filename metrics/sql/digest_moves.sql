-- digest_moves: the moves of the due dates of the actions reported in $month (the rows of
-- view_due_date_moves.sql, read as `moved`), with the reason code the moving report gave.
-- metrics.digest keeps those after the action's previous report and adds its computed RAG now,
-- from the rows of digest_actions.sql it already has (not worked out a second time here).
-- Parameters: $month (YYYY-MM).
SELECT m.department, m.action_id, m.action, m.period, m.from_due_date, m.to_due_date,
       CAST(m.days_moved AS BIGINT) AS days_moved, s.reason_code, m.file_name, m.sheet,
       m.source_row
FROM moved m
LEFT JOIN action_status s
    ON s.upload_id = m.upload_id AND s.department = m.department AND s.action_id = m.action_id
   AND s.period = m.period
WHERE m.period <= $month
ORDER BY m.department, m.action_id, m.period
