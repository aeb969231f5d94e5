-- Record a refused file (for one department, or the whole file when none was read); the columns
-- not named keep their defaults. Parameters: $upload_id, $sha256, $file_name, $department,
-- $period, $uploaded_by, $uploaded_at, $submitted_at, $status, $sheet, $row_count, $error_count,
-- $warning_count, $messages (JSON), $mapping_name.
INSERT INTO uploads (upload_id, sha256, file_name, department, period, uploaded_by, uploaded_at,
                     submitted_at, status, sheet, row_count, error_count, warning_count, messages,
                     mapping_name)
VALUES ($upload_id, $sha256, $file_name, $department, $period, $uploaded_by, $uploaded_at,
        $submitted_at, $status, $sheet, $row_count, $error_count, $warning_count, $messages,
        $mapping_name)
