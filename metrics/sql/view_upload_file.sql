-- view_upload_file: the original bytes of the file an upload was read from (content-addressed by
-- SHA-256), so the Department page can hand back the file a figure came from.
-- Parameters: $upload_id.
SELECT u.upload_id, u.file_name, r.content
FROM uploads u
JOIN raw_files r ON r.sha256 = u.sha256
WHERE u.upload_id = $upload_id
