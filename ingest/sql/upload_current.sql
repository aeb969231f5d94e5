-- The upload in force for a department's month, and its file's sha256 (none before its first
-- accepted report). Parameters: $d department, $p period.
SELECT upload_id, sha256 FROM uploads WHERE department = $d AND period = $p AND is_current
