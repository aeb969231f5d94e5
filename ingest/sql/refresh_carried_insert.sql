-- Carry departments' plans over into their reports in force of a period and every later one
-- (carried_rows). Parameters: $departments, $since the earliest period changed.
INSERT INTO action_status BY NAME
SELECT * FROM ({{ingest:carried_rows}})
