-- Add a department met in a report and not in the register, unless known already.
-- Parameter: $d department.
INSERT INTO departments (department, in_register, first_seen) SELECT $d, FALSE, now()
WHERE NOT EXISTS (SELECT 1 FROM departments WHERE department = $d)
