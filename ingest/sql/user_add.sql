-- Add a user unless the email is a user already. Parameters: $e email, $n name, $r role, $a active,
-- $by the admin's email.
INSERT INTO users SELECT $e, $n, $r, $a, now(), $by WHERE NOT EXISTS
(SELECT 1 FROM users WHERE email = $e)
