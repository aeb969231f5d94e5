-- view_current_upload: the upload in force for one department and period (the Upload page says
-- "this file is already the current report" and names the version it would replace).
-- Parameters: $department, $period (YYYY-MM).
SELECT upload_id, sha256, file_name, uploaded_by, uploaded_at, submitted_at, row_count,
       warning_count
FROM uploads
WHERE department = $department
  AND period = $period
  AND is_current
ORDER BY upload_id DESC
LIMIT 1
