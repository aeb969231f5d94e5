-- The highest upload ID recorded as given before a restore (0 when none). Parameter: $k meta key.
SELECT coalesce(max(value), 0) FROM meta WHERE key = $k
