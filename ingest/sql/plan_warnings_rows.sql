-- The open actions each report in force of department $d from period $since on leaves out and
-- carries over (carried_rows.sql, as rebuilt): what its "not in this report" warnings say
-- (ingest.plan.restate_warnings). The reports themselves, with their stored problems, are
-- plan_warnings_uploads.sql: one row each, not one per action (a report's problems hold a
-- warning per carried action, so repeating them on every row grew as the square of the plan).
-- Parameters: $d department, $since period (YYYY-MM).
SELECT u.upload_id, s.action_id, s.action, s.status, src.period AS last_reported
FROM uploads u
JOIN action_status s
    ON s.upload_id = u.upload_id AND s.is_current AND s.carried_from_upload IS NOT NULL
   AND s.status NOT IN ('Completed', 'Cancelled')
LEFT JOIN uploads src ON src.upload_id = s.carried_from_upload
WHERE u.department = $d AND u.period >= $since AND u.status = 'accepted' AND u.is_current
  AND coalesce(u.absent_actions, 'carried') = 'carried'
ORDER BY u.upload_id, s.source_row, s.action_id
