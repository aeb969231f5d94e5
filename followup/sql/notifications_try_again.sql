-- notifications_try_again: a message given up on gets a fresh set of attempts, so the next
-- `notify` run sends it if it is still due. Parameters: its key ($recipient, $kind, $period,
-- $upload_id).
UPDATE notifications
SET attempts = 0
WHERE recipient = $recipient AND kind = $kind AND period = $period AND upload_id = $upload_id
