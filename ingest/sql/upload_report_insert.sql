-- Record a department's report read from a file, accepted or a duplicate. Parameters:
-- $upload_id, $sha256, $file_name, $department, $period, $uploaded_by, $uploaded_at,
-- $submitted_at, $status, $is_current, $replaced_upload_id, $sheet, $row_count, $warning_count,
-- $skipped_count, $error_count, $messages (JSON), $column_map (JSON), $mapping_name,
-- $register_version, $absent_actions, $skipped_actions (JSON: lower-case action IDs).
INSERT INTO uploads (upload_id, sha256, file_name, department, period, uploaded_by, uploaded_at,
                     submitted_at, status, is_current, replaced_upload_id, sheet, row_count,
                     warning_count, skipped_count, error_count, messages, column_map, mapping_name,
                     register_version, absent_actions, skipped_actions)
VALUES ($upload_id, $sha256, $file_name, $department, $period, $uploaded_by, $uploaded_at,
        $submitted_at, $status, $is_current, $replaced_upload_id, $sheet, $row_count,
        $warning_count, $skipped_count, $error_count, $messages, $column_map, $mapping_name,
        $register_version, $absent_actions, $skipped_actions)
