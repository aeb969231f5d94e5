-- Remove every department of a user. Parameter: $e email.
DELETE FROM user_departments WHERE email = $e
