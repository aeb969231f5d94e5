-- notifications_to_retry: the messages a later run sends again, whether or not they are still due:
-- those that failed fewer than $max_attempts times, and those whose sender stopped mid-way (claimed
-- before $stale_before and never finished). Test messages are one-off and not retried.
SELECT recipient, kind, period, upload_id
FROM notifications
WHERE kind <> 'test'
  AND ((state = 'failed' AND attempts < $max_attempts)
       OR (state = 'sending' AND claimed_at < $stale_before))
ORDER BY claimed_at, recipient
