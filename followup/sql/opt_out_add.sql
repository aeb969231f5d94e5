-- opt_out_add: this email receives no notification from now on.
INSERT INTO notification_opt_outs
SELECT $email, $by, $now
WHERE NOT EXISTS (SELECT 1 FROM notification_opt_outs WHERE email = $email)
