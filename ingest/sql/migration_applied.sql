-- Whether a migration was applied (1) or not (0). Parameter: $v its version number.
SELECT count(*) FROM schema_migrations WHERE version = $v
