-- How many objectives and departments a register version holds. Parameter: $v version.
SELECT objective_count, department_count FROM register_versions WHERE register_version = $v
