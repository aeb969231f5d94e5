-- The TOML text of a saved mapping (none when no such mapping). Parameter: $n name.
SELECT toml FROM mappings WHERE name = $n
