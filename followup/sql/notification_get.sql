-- notification_get: the outbox row of one recipient, kind, period and upload (none: never claimed).
SELECT state, attempts, claimed_at, sent_at
FROM notifications
WHERE recipient = $recipient AND kind = $kind AND period = $period AND upload_id = $upload_id
