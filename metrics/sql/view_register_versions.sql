-- view_register_versions: every strategy register uploaded, newest first (the Settings page).
SELECT register_version, file_name, loaded_by, loaded_at, objective_count, department_count,
       sha256
FROM register_versions
ORDER BY register_version DESC
