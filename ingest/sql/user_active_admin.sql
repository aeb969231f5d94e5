-- Whether the user with this email is an active admin (no row: no such user). Parameter: $e email.
SELECT role = 'admin' AND active FROM users WHERE email = $e
