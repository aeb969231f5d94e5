-- notifications_given_up: the messages given up on (failed $max times: notify tries them no
-- more), newest first.
SELECT recipient, kind, period, department, last_error
FROM notifications
WHERE state = 'failed' AND attempts >= $max
ORDER BY claimed_at DESC, recipient
