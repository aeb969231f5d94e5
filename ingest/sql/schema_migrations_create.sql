-- Make the table of migrations applied, before the first migration runs.
CREATE TABLE IF NOT EXISTS schema_migrations
(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)
