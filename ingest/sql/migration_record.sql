-- Record a migration as applied now. Parameters: $v its version number, $n its file name.
INSERT INTO schema_migrations VALUES ($v, $n, now())
