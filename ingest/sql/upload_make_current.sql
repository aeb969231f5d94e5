-- Make one accepted upload the department's report in force for the month, and no other.
-- Parameters: $d department, $p period, $u upload ID.
UPDATE uploads SET is_current = (upload_id = $u)
WHERE department = $d AND period = $p AND status = 'accepted'
