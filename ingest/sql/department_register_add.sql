-- Add a department the register lists, unless known already. Parameters: $n department, $h head,
-- $e email.
INSERT INTO departments SELECT $n, $h, $e, TRUE, now() WHERE NOT EXISTS
(SELECT 1 FROM departments WHERE department = $n)
