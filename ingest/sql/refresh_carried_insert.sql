-- Carry a department's plan over into its reports in force of a period and every later one
-- (migration 007's carried_rows). Parameters: $d department, $p the earliest period changed.
INSERT INTO action_status BY NAME
SELECT * FROM carried_rows([$d], $p)
