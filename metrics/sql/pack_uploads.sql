-- pack_uploads: the reports in force (current accepted uploads) of the departments asked (every
-- department when $departments is empty) for the months asked, with what identifies each file —
-- a review pack names every upload it read, so that any figure in it can be traced to its file.
-- Parameters: $departments (names), $months (YYYY-MM list).
SELECT u.upload_id,
       u.department,
       u.period,
       u.file_name,
       u.sha256,
       coalesce(u.submitted_at, u.uploaded_at) AS submitted_at,
       u.uploaded_at,
       u.uploaded_by,
       u.row_count,
       u.warning_count,
       (SELECT count(*) FROM uploads v
        WHERE v.department = u.department AND v.period = u.period AND v.status = 'accepted')
           AS versions
FROM uploads u
WHERE u.is_current
  AND u.status = 'accepted'
  AND list_contains($months, u.period)
  AND (len($departments) = 0 OR list_contains($departments, u.department))
ORDER BY u.department, u.period, u.upload_id
