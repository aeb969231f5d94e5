-- The reports in force of department $d from period $since on that carry the plan over, with
-- their sheet and stored problems: each one's "not in this report" warnings are brought up to
-- date with plan_warnings_rows.sql (ingest.plan.restate_warnings), a report that carries nothing
-- any more included, so that its stale warnings are dropped.
-- Parameters: $d department, $since period (YYYY-MM).
SELECT upload_id, period, sheet, messages
FROM uploads
WHERE department = $d AND period >= $since AND status = 'accepted' AND is_current
  AND coalesce(absent_actions, 'carried') = 'carried'
ORDER BY upload_id
