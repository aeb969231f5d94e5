-- The version of the register in force: the latest (none before the first register).
SELECT max(register_version) FROM register_versions
