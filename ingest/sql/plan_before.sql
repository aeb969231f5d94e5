-- A department's plan before a period: every action of its latest report in force before that
-- month (rows carried over included, migration 007), with the month it was last read from a
-- file. What a new report for the period is checked against for actions it leaves out.
-- Parameters: $d department, $p period.
WITH last_report AS (
    SELECT max(period) AS period FROM uploads
    WHERE department = $d AND is_current AND status = 'accepted' AND period < $p
)
SELECT s.action_id, s.action, s.status, s.percent_complete, s.due_date,
       coalesce(src.period, s.period) AS last_reported
FROM action_status s
LEFT JOIN uploads src ON src.upload_id = s.carried_from_upload
WHERE s.department = $d AND s.is_current AND s.period = (SELECT period FROM last_report)
  AND s.status <> 'Cancelled'
ORDER BY s.source_row, s.action_id
