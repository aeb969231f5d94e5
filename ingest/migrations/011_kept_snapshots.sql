-- 011: the shared store's snapshots a backup names, which maintenance never expires, and when it
-- was last maintained (ingest/lake.py). Unused by a DuckDB file, whose backups are files.
CREATE TABLE kept_snapshots (
    snapshot_id BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    kept_at TIMESTAMP NOT NULL
);
INSERT INTO meta VALUES ('maintained_at', 0);
