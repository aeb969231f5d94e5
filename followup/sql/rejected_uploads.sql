-- rejected_uploads: the rejected uploads submitted after $since and by $at (all of them, or those of
-- $upload_ids when it is not empty), naming a department and a period (a file naming none is
-- nobody's to be told about): who uploaded it and its problems.
SELECT upload_id, file_name, department, period, uploaded_by,
       coalesce(submitted_at, uploaded_at) AS submitted_at, error_count, warning_count, messages
FROM uploads
WHERE status = 'rejected' AND department IS NOT NULL AND period IS NOT NULL
  AND coalesce(submitted_at, uploaded_at) > $since
  AND coalesce(submitted_at, uploaded_at) <= $at
  AND (len($upload_ids) = 0 OR list_contains($upload_ids, upload_id))
ORDER BY upload_id
