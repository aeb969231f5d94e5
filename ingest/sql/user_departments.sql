-- The departments of one user (department heads). Parameter: $e email.
SELECT department FROM user_departments WHERE email = lower($e) ORDER BY department
