-- notification_done: how a claimed message ended: sent (with where it went) or failed (why).
UPDATE notifications
SET state = $state, last_error = $last_error, sent_at = $sent_at, delivered_to = $delivered_to
WHERE recipient = $recipient AND kind = $kind AND period = $period AND upload_id = $upload_id
