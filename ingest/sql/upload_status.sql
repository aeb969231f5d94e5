-- An upload's department, period and status (none when no such upload). Parameter: $u upload ID.
SELECT department, period, status FROM uploads WHERE upload_id = $u
