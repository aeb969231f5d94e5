-- notification_claim_again: claim a message that failed (or whose sender stopped mid-way) once more.
UPDATE notifications
SET state = 'sending', attempts = attempts + 1, claimed_at = $now, claimed_by = $claimed_by,
    subject = $subject
WHERE recipient = $recipient AND kind = $kind AND period = $period AND upload_id = $upload_id
