-- The audit log, newest first, by these actors and actions (all when empty), from $start to
-- before $end (open when NULL). Parameters: $actors, $actions (lists), $start, $end, $limit.
SELECT audit_id, logged_at, actor, action, outcome, department, period, detail
FROM audit_log
WHERE (len($actors) = 0 OR list_contains($actors, actor))
  AND (len($actions) = 0 OR list_contains($actions, action))
  AND ($start IS NULL OR logged_at >= $start) AND ($end IS NULL OR logged_at < $end)
ORDER BY logged_at DESC, audit_id DESC
LIMIT $limit
