-- Mark a known department as in the register, with its head and email. Parameters: $n department,
-- $h head, $e email.
UPDATE departments SET head = $h, email = $e, in_register = TRUE WHERE department = $n
