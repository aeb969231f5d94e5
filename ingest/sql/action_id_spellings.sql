-- How departments $ds spell the action IDs that are $keys in small letters, the latest spelling
-- last: an ID a report writes in other capitals takes it (ingest.plan.align_action_ids).
-- Parameters: $ds departments, $keys lower-case action IDs.
SELECT department, action_id, max(period) AS last_reported
FROM action_status
WHERE department IN (SELECT unnest($ds)) AND lower(action_id) IN (SELECT unnest($keys))
GROUP BY department, action_id
ORDER BY last_reported, action_id
