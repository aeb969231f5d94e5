-- pack_current_uploads: view_current_upload.sql for many departments and months at once — the
-- upload in force for each (department, month) asked that has one, so that the review pack names
-- every department's report with one query.
-- Parameters: $departments (names), $months (YYYY-MM list).
SELECT department, period, upload_id, sha256, file_name, uploaded_by, uploaded_at, submitted_at,
       row_count, warning_count
FROM uploads
WHERE is_current
  AND list_contains($departments, department)
  AND list_contains($months, period)
QUALIFY row_number() OVER (PARTITION BY department, period ORDER BY upload_id DESC) = 1
ORDER BY department, period
