-- notification_claim_new: claim a message never sent (state sending, first attempt).
INSERT INTO notifications (recipient, kind, period, upload_id, department, subject, state, attempts,
                           last_error, claimed_at, claimed_by, sent_at, delivered_to)
VALUES ($recipient, $kind, $period, $upload_id, $department, $subject, 'sending', 1,
        NULL, $now, $claimed_by, NULL, NULL)
