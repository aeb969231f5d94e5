-- Make one upload's rows the department's rows in force for the month, and no other's.
-- Parameters: $d department, $p period, $u upload ID.
UPDATE action_status SET is_current = (upload_id = $u)
WHERE department = $d AND period = $p
