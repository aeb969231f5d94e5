-- notifications_try_again: the messages given up on ($max failed attempts) get a fresh set of
-- attempts, so the next `notify` run sends each one that is still due.
UPDATE notifications
SET attempts = 0
WHERE state = 'failed' AND attempts >= $max
