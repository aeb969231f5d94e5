-- 009: which definition (ingest/sql) the derived rows kept were computed by, so that opening a
-- database rebuilds them after a formula in ingest/sql/action_facts.sql changed, with no
-- migration written for it (ingest.db.follow_definitions).
CREATE TABLE derived_definitions (
    name VARCHAR PRIMARY KEY,
    definition_sha256 VARCHAR NOT NULL,
    refreshed_at TIMESTAMP NOT NULL
);
