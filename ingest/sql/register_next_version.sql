-- The version number a new register takes: one above the highest stored (1 for the first).
SELECT coalesce(max(register_version), 0) + 1 FROM register_versions
