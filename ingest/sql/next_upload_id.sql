-- The next upload's ID: one above the uploads held and above every ID given before a restore
-- (meta's upload_ids_after, which a restore sets and never lowers).
SELECT greatest(
    (SELECT coalesce(max(upload_id), 0) FROM uploads),
    (SELECT coalesce(max(value), 0) FROM meta WHERE key = 'upload_ids_after')
) + 1
