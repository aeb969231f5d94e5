-- opt_out_remove: this email receives notifications again.
DELETE FROM notification_opt_outs WHERE email = $email
