-- view_upload_history: every file received for the departments asked (all when $departments is
-- empty) and months asked (all when $months is empty), newest first — accepted, rejected and
-- duplicate — with whether it is the version in force.
SELECT upload_id, department, period, file_name, status, is_current, uploaded_by, uploaded_at,
       submitted_at, row_count, error_count, warning_count, skipped_count, mapping_name,
       replaced_upload_id, sha256
FROM uploads
WHERE (len($departments) = 0 OR list_contains($departments, department))
  AND (len($months) = 0 OR list_contains($months, period))
ORDER BY uploaded_at DESC, upload_id DESC
