-- The active user with this email (any capitals): email, role and name. Parameter: $e email.
SELECT email, role, name FROM users WHERE email = lower($e) AND active
