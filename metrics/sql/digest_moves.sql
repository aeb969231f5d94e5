-- digest_moves: the moves of a due date since each department's previous report (the rows of
-- view_due_date_moves.sql, read as `moved`, after the action's `previous_month` in `pairs`, the
-- rows of digest_actions.sql), with the reason code the moving report gave and the action's
-- computed RAG now. Parameters: $month (YYYY-MM).
SELECT m.department, m.action_id, m.action, m.period, m.from_due_date, m.to_due_date,
       CAST(m.days_moved AS BIGINT) AS days_moved, s.reason_code, p.rag, m.file_name, m.sheet,
       m.source_row
FROM moved m
JOIN pairs p ON p.department = m.department AND p.action_id = m.action_id
LEFT JOIN action_status s
    ON s.upload_id = m.upload_id AND s.department = m.department AND s.action_id = m.action_id
   AND s.period = m.period
WHERE m.period > coalesce(p.previous_month, '') AND m.period <= $month
ORDER BY m.department, m.action_id, m.period
