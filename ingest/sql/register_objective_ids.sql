-- The objective IDs of a register version. Parameter: $v version.
SELECT objective_id FROM objectives WHERE register_version = $v
