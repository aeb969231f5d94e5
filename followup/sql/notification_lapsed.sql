-- notification_lapsed: a message failed (or given up on, or claimed by a run that stopped) that no
-- longer applies — the report came in, the reminder's deadline passed, a rejection was made good —
-- is not tried again: its outbox row says so, keeping its attempts and last error.
-- Parameters: its key ($recipient, $kind, $period, $upload_id).
UPDATE notifications
SET state = 'lapsed'
WHERE recipient = $recipient AND kind = $kind AND period = $period AND upload_id = $upload_id
  AND state IN ('failed', 'sending')
