-- The highest upload ID the database has named anywhere: in its uploads, its notifications, its
-- audit log's entries, or a restore's record of the IDs given before it.
SELECT greatest(
    (SELECT coalesce(max(upload_id), 0) FROM uploads),
    (SELECT coalesce(max(upload_id), 0) FROM notifications),
    (SELECT coalesce(max(TRY_CAST(json_extract_string(detail, '$.upload_id') AS BIGINT)), 0)
     FROM audit_log WHERE contains(detail, '"upload_id"')),
    (SELECT coalesce(max(value), 0) FROM meta WHERE key = 'upload_ids_after')
)
