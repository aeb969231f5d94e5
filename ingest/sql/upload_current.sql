-- The upload in force for a department's month: its ID, its file's sha256, name and upload time
-- (none before its first accepted report). Parameters: $d department, $p period.
SELECT upload_id, sha256, file_name, uploaded_at FROM uploads
WHERE department = $d AND period = $p AND is_current
