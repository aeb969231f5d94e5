-- When a scheduled job was last taken (Unix seconds; none before its first). Parameter: $job.
SELECT value FROM meta WHERE key = $job
