-- The version numbers of the migrations applied.
SELECT version FROM schema_migrations
