-- The initiatives of a register version, by ID and name. Parameter: $v version.
SELECT initiative_id, name FROM initiatives WHERE register_version = $v
