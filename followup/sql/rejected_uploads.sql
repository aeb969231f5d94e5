-- rejected_uploads: the rejected uploads that reached Lekgotla after $since and by $at (their upload
-- time: the 'Date submitted' cell of a rejected file may be old, or still to come), all of them or
-- those of $upload_ids when it is not empty, naming a department and a period (a file naming none
-- is nobody's to be told about): who uploaded it and its problems. A rejection that a version
-- accepted after it (by $at) has made good is not told: the report is in.
SELECT upload_id, file_name, department, period, uploaded_by, uploaded_at, error_count,
       warning_count, messages
FROM uploads r
WHERE status = 'rejected' AND department IS NOT NULL AND period IS NOT NULL
  AND uploaded_at > $since
  AND uploaded_at <= $at
  AND (len($upload_ids) = 0 OR list_contains($upload_ids, upload_id))
  AND NOT EXISTS (SELECT 1 FROM uploads a
                  WHERE a.status = 'accepted' AND a.department = r.department
                    AND a.period = r.period AND a.uploaded_at > r.uploaded_at
                    AND a.uploaded_at <= $at)
ORDER BY upload_id
