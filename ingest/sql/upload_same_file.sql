-- The latest accepted upload of the same file for a department's month (NULL when none).
-- Parameters: $d department, $p period, $s the file's sha256.
SELECT max(upload_id) FROM uploads WHERE department = $d AND period = $p AND sha256 = $s
AND status = 'accepted'
