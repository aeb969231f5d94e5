-- Drop a department's carried rows (migration 007) of a period and every later one, before they
-- are made again from its reports in force. Parameters: $d department, $p the earliest period changed.
DELETE FROM action_status
WHERE department = $d AND period >= $p AND carried_from_upload IS NOT NULL
