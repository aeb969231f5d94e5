-- The highest upload ID held (0 when there is none).
SELECT coalesce(max(upload_id), 0) FROM uploads
