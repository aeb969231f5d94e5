-- How every department spells the action IDs that are $keys in small letters, the latest
-- spelling last: an ID a report writes in other capitals takes it, a bare ID in a "Depends on"
-- cell the spelling of the department it names (ingest.plan.align_action_ids).
-- Parameters: $keys lower-case action IDs.
SELECT department, action_id, max(period) AS last_reported
FROM action_status
WHERE lower(action_id) IN (SELECT unnest($keys))
GROUP BY department, action_id
ORDER BY last_reported, action_id
