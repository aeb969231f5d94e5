-- The departments register version $v renamed: (former name, name now), by former name.
SELECT former, department FROM department_renames WHERE register_version = $v ORDER BY former
