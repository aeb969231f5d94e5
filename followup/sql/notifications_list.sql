-- notifications_list: the outbox history, newest first, by state and kind ($states, $kinds:
-- empty lists for every one) — attempts above 1 mean it was retried.
SELECT claimed_at, sent_at, recipient, kind, period, department, subject, state, attempts,
       last_error, delivered_to, upload_id
FROM notifications
WHERE (len($states) = 0 OR list_contains($states, state))
  AND (len($kinds) = 0 OR list_contains($kinds, kind))
ORDER BY claimed_at DESC, recipient
LIMIT 5000
