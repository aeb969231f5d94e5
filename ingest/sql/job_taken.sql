-- Record a scheduled job's latest take. Parameters: $job, $at the time (Unix seconds).
UPDATE meta SET value = $at WHERE key = $job
