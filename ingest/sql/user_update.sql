-- Change a user's name, role and access. Parameters: $e email, $n name, $r role, $a active.
UPDATE users SET name = $n, role = $r, active = $a WHERE email = $e
