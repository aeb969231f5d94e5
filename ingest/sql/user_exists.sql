-- How many user records (active or not) have this email. Parameter: $e email.
SELECT count(*) FROM users WHERE email = lower($e)
