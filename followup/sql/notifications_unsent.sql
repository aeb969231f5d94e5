-- notifications_unsent: the outbox rows a later run may send again, whether or not they are still
-- due: every one not sent (delivery.standing says which it retries and which it has given up on:
-- the rule lives there alone), newest last. Test messages are one-off and not retried.
SELECT recipient, kind, period, upload_id, department, state, attempts, claimed_at, last_error
FROM notifications
WHERE kind <> 'test' AND state <> 'sent'
ORDER BY claimed_at, recipient
