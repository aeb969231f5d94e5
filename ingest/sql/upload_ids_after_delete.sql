-- Forget the record of the upload IDs given before a restore. Parameter: $k meta key.
DELETE FROM meta WHERE key = $k
