-- The shared store's snapshots older than a time, save the latest and those kept for a backup.
-- Parameter: $cutoff the time.
SELECT snapshot_id FROM ducklake_snapshots(current_database())
WHERE snapshot_time < $cutoff
AND snapshot_id < (SELECT max(snapshot_id) FROM ducklake_snapshots(current_database()))
AND snapshot_id NOT IN (SELECT snapshot_id FROM kept_snapshots)
