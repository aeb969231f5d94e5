-- Record a scheduled job's first take. Parameters: $job, $at the time (Unix seconds).
INSERT INTO meta VALUES ($job, $at)
